import { SLOW_TESTS, testConfig } from "./vitest.config.js";

// `npm run test:slow`: only the slow suites (the bot as processes, faults, replicas).
export default testConfig({ include: [SLOW_TESTS], exclude: [] });
