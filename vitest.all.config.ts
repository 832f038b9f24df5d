import { ALL_TESTS, testConfig } from "./vitest.config.js";

// `npm run test:all`: `npm test` and `npm run test:slow` in one run.
export default testConfig({ include: [ALL_TESTS], exclude: [] });
