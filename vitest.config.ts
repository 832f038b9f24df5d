import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Real PostgreSQL and Redis underneath: two workers on a 2-core machine.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
