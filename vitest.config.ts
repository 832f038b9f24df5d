import { defineConfig } from "vitest/config";

/** Suites that run the bot as processes, over pipes or through faults: `npm run test:slow`. */
export const SLOW_TESTS = "test/**/*.slow.test.ts";
export const ALL_TESTS = "test/**/*.test.ts";

/** The settings of every test run; vitest.slow.config.ts and vitest.all.config.ts pick other files. */
export function testConfig(files: { include: string[]; exclude: string[] }) {
  return defineConfig({
    test: {
      ...files,
      // Test databases recycled within the run, dropped at its end.
      globalSetup: ["test/kit/global-setup.ts"],
      testTimeout: 20_000,
      hookTimeout: 60_000,
      // Real PostgreSQL and Redis underneath: two workers on a 2-core machine.
      maxWorkers: 2,
      // A worker imports the app's modules once for all its files, not once per file (a
      // third of the run went to imports); the tests keep no state in shared modules.
      isolate: false,
      reporters: ["default"],
    },
  });
}

// `npm test`: everything but the slow suites.
export default testConfig({ include: [ALL_TESTS], exclude: [SLOW_TESTS] });
