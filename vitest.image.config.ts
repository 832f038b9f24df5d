import { defineConfig } from "vitest/config";

// The image smoke test (`npm run smoke:image`): the Dockerfile built with buildah and the
// image run against PostgreSQL and the fake Bot API. Once per CI run, not per Node line.
export default defineConfig({
  test: {
    include: ["test/image/*.smoke.ts"],
    testTimeout: 180_000,
    // The build: ~4 minutes for the base image the first time, then about a minute or two.
    hookTimeout: 1_200_000,
    maxWorkers: 2,
    reporters: ["default"],
  },
});
