// renderSync on plain data: the exact message, with and without projects, and the empty case.
import { describe, expect, it } from "vitest";
import { EN } from "../../kit/english.js";
import { renderSync } from "../../../src/bot/render/sync.js";
import type { ConnectorSync } from "../../../src/checks/listings/sync.js";

const NOW = new Date("2030-01-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

const connector = (over: Partial<ConnectorSync>): ConnectorSync => ({
  projectId: null,
  project: null,
  connector: "gmail",
  lastStatus: "ok",
  lastSyncedAt: minutesAgo(3),
  lastAttemptAt: minutesAgo(3),
  lastError: null,
  failed: false,
  partial: false,
  stuck: false,
  idle: false,
  mock: false,
  stale: false,
  ...over,
});

describe("renderSync", () => {
  it("says so when there are no connectors", () => {
    expect(renderSync([], NOW, EN)).toBe("No connectors found in connector_sync_state.");
  });

  it("lists a failed connector with its escaped error, a stale one and a healthy one", () => {
    const text = renderSync(
      [
        connector({
          connector: "jira<x>",
          failed: true,
          lastStatus: "error",
          lastError: "401 & co",
        }),
        connector({ connector: "slack", stale: true, lastSyncedAt: minutesAgo(200) }),
        connector({}),
      ],
      NOW,
      EN,
    );
    expect(text).toBe(
      [
        "<b>Connector sync</b> — 1 failed, 1 stale, 3 total",
        "<pre>    connector  status  last sync",
        "❌  jira&lt;x&gt;    error   3m ago",
        "    ↳ 401 &amp; co",
        "⏰  slack      ok      3h 20m ago",
        "✅  gmail      ok      3m ago</pre>",
        "❌ failed  ⏰ stale",
      ].join("\n"),
    );
  });

  it("with projects: the project column, partial, idle and stuck, and their legend", () => {
    const text = renderSync(
      [
        connector({
          projectId: "p",
          project: "Alpha",
          partial: true,
          lastStatus: "partial",
          lastError: "2 of 9 failed",
        }),
        connector({
          projectId: "p",
          project: "Alpha",
          connector: "drive",
          idle: true,
          lastStatus: null,
          lastSyncedAt: null,
        }),
        connector({
          projectId: "q",
          project: "Beta",
          connector: "x",
          stuck: true,
          lastStatus: "running",
        }),
      ],
      NOW,
      EN,
    );
    expect(text).toBe(
      [
        "<b>Connector sync</b> — 1 failed, 1 partial, 0 stale, 1 idle, 3 total",
        "<pre>    project  connector  status           last sync",
        "⚠️  Alpha    gmail      partial          3m ago",
        "    ↳ 2 of 9 failed",
        "➖  Alpha    drive      unknown          never",
        "🧊  Beta     x          running (stuck)  3m ago</pre>",
        "❌ failed  🧊 stuck  ⚠️ partial  ⏰ stale  ➖ idle (never synced)",
      ].join("\n"),
    );
  });
});
