// A start-up warning when API_HEALTH_URL points at the bot instead of the LabPics API: in a
// container, localhost is the bot's own container, so api_down would page about nothing.
import { describe, expect, it } from "vitest";
import { selfPointingApiUrl } from "../../src/config/self-pointing.js";
import { buildTestApp } from "../kit/build-test-app.js";
import { closedPort } from "../kit/ports.js";

const inContainer = { inContainer: true, hostname: "3f2a9c1b7d10", port: 8080 };
const onHost = { inContainer: false, hostname: "ops-1", port: 8080 };

describe("selfPointingApiUrl", () => {
  it.each([
    ["http://localhost:3001/health", inContainer, /container's own loopback/],
    ["http://127.0.0.1:8080/health", inContainer, /bot's own HTTP server/],
    ["http://[::1]:3001/health", inContainer, /container's own loopback/],
    ["http://127.0.0.1:8080/health", onHost, /bot's own HTTP server/],
    ["http://ops-1:8080/health", onHost, /bot's own HTTP server/],
    ["http://3f2a9c1b7d10:8080/health", inContainer, /bot's own HTTP server/],
  ])("warns about %s (%o)", (url, self, reason) => {
    expect(selfPointingApiUrl(url, self)).toMatch(reason);
  });

  it.each([
    ["http://server:8080/health", inContainer],
    ["http://localhost:3001/health", onHost],
    ["http://127.0.0.1:8081/health", onHost],
    ["https://dashboard.lab.pics/api/health", inContainer],
  ])("stays quiet about %s (%o)", (url, self) => {
    expect(selfPointingApiUrl(url, self)).toBeUndefined();
  });
});

describe("at start-up", () => {
  it("logs a warning when API_HEALTH_URL is the bot's own port", async () => {
    const port = await closedPort();
    const t = await buildTestApp({
      env: { PORT: String(port), API_HEALTH_URL: `http://127.0.0.1:${port}/health` },
      self: { inContainer: false, hostname: "ops-1" },
    });
    try {
      const warnings = t.logs.entries().filter((e) => e.level === 40);
      expect(warnings.map((e) => e.msg)).toContain(
        `API_HEALTH_URL (http://127.0.0.1:${port}) is the bot's own HTTP server, not the LabPics API`,
      );
    } finally {
      await t.close();
    }
  });
});
