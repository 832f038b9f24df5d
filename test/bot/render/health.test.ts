// renderHealth on plain data: every component line, the API's figures from /health or from
// its /metrics, escaping of errors and of what the API answered, and the watcher's state.
import { describe, expect, it } from "vitest";
import { EN } from "../../kit/english.js";
import { renderHealth } from "../../../src/bot/render/health.js";
import type { Health } from "../../../src/checks/create-checks.js";

const NOW = new Date("2030-01-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

const healthy: Health = {
  api: {
    status: "ok",
    latencyMs: 12,
    reported: "ok",
    sse: { clients: 3 },
    redis: "ok",
    other: { uptime: 12 },
  },
  postgres: { status: "ok", latencyMs: 3, connections: { used: 7, max: 100 } },
  redis: { status: "not_configured" },
  bot: { version: "1.0.0", startedAt: minutesAgo(150), lastTickAt: minutesAgo(1) },
  schema: { shape: "labpics", mismatches: [], schedulerGaps: [] },
  checkedAt: NOW,
};

describe("renderHealth", () => {
  it("shows each component with its facts, and the API's other fields on a line of their own", () => {
    expect(renderHealth(healthy, NOW, EN)).toBe(
      [
        "<b>Health</b>",
        '✅ <b>API</b> ok · 12 ms · status ok · SSE {"clients":3} · Redis (API view) ok · DB pool unknown',
        "   uptime=12",
        "✅ <b>PostgreSQL</b> ok · 3 ms · connections 7/100",
        "➖ <b>Redis</b> not configured",
        "✅ <b>Schema</b> ok · labpics",
        "✅ <b>Bot</b> ok · v1.0.0 · up 2h 30m · watcher ticked 1m ago",
      ].join("\n"),
    );
  });

  it("shows what is down and why, escaped, the schema mismatch and the watcher's blind checks", () => {
    const text = renderHealth(
      {
        ...healthy,
        api: {
          status: "down",
          error: "HTTP 502 <bad gateway>",
          httpStatus: 502,
          other: {},
          received: "<html>502</html>",
        },
        postgres: { status: "down", error: "connect ECONNREFUSED" },
        redis: { status: "ok", latencyMs: 1, usedMemoryBytes: 2 * 1024 * 1024 },
        bot: {
          version: "1.0.0",
          startedAt: minutesAgo(5),
          lastTickAt: null,
          blindChecks: [{ check: "jobs", reason: "scheduled_jobs <missing>" }],
        },
        schema: { shape: "labpics", mismatches: ["scheduled_jobs"], schedulerGaps: [] },
      },
      NOW,
      EN,
    );
    expect(text).toBe(
      [
        "<b>Health</b>",
        "❌ <b>API</b> down · SSE unknown · Redis (API view) unknown · DB pool unknown · HTTP 502 &lt;bad gateway&gt;",
        "   received: <code>&lt;html&gt;502&lt;/html&gt;</code>",
        "❌ <b>PostgreSQL</b> down · connect ECONNREFUSED",
        "✅ <b>Redis</b> ok · 1 ms · memory 2.0 MB",
        "⚠️ <b>Schema</b> degraded · labpics · schema mismatch: scheduled_jobs",
        "⚠️ <b>Watcher</b> degraded · blind: jobs (scheduled_jobs &lt;missing&gt;)",
        "✅ <b>Bot</b> ok · v1.0.0 · up 5m · watcher waiting for its first tick",
      ].join("\n"),
    );
  });

  it("takes the API's figures from its /metrics; no schema line while PostgreSQL cannot be asked", () => {
    const text = renderHealth(
      {
        ...healthy,
        api: {
          status: "ok",
          other: {},
          metrics: {
            sseConnections: 7,
            pubsubChannels: 3,
            pubsubPublishFailed: 0,
            dbPoolTotal: 10,
            dbPoolIdle: 8,
            dbPoolWaiting: 1,
          },
        },
        schema: undefined,
        bot: { version: "1.0.0", startedAt: minutesAgo(5) },
      },
      NOW,
      EN,
    );
    expect(text).toBe(
      [
        "<b>Health</b>",
        "✅ <b>API</b> ok · SSE 7 connections · Redis (API view) pub/sub 3 channels, 0 failed publishes · DB pool 10 open, 8 idle, 1 waiting",
        "✅ <b>PostgreSQL</b> ok · 3 ms · connections 7/100",
        "➖ <b>Redis</b> not configured",
        "✅ <b>Bot</b> ok · v1.0.0 · up 5m · watcher not running",
      ].join("\n"),
    );
  });
});
