import { defineConfig } from "vitest/config";

// Smoke tests: the bot as a process, per Node line and per build (`npm run smoke`).
// Kept out of `npm test`, which covers the same paths in depth.
export default defineConfig({
  test: {
    include: ["test/smoke/*.smoke.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ["default"],
  },
});
