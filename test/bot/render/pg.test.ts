// renderPg on plain data: every part, five sessions then "+N more", escaping, an unavailable
// part standing alone, and an idle server.
import { describe, expect, it } from "vitest";
import { renderPg } from "../../../src/bot/render/pg.js";
import type { PgActivity, PgSession } from "../../../src/checks/listings/pg-activity.js";
import { createTranslator } from "../../../src/i18n/catalogue.js";

const en = createTranslator("en");

const GB = 1024 ** 3;
const session = (pid: number, seconds: number, query: string): PgSession => ({
  pid,
  user: "app",
  application: "api<1>",
  state: "active",
  seconds,
  query,
  backendStartMs: null,
  queryStartMs: null,
});
const HEADER = "🐘 <b>PostgreSQL</b> <i>query text shown without its literals</i>";

describe("renderPg", () => {
  it("shows each part, the five longest queries and +N more, and a part it could not read", () => {
    const activity: PgActivity = {
      connections: {
        ok: true,
        value: {
          byState: [
            { state: "active", count: 3 },
            { state: "idle", count: 7 },
          ],
          total: 10,
          max: 100,
        },
      },
      longest: {
        ok: true,
        value: [1, 2, 3, 4, 5, 6, 7].map((i) => session(i, 100 * i, "SELECT * FROM t WHERE a < ?")),
      },
      blocked: {
        ok: true,
        value: {
          blocked: [{ ...session(20, 30, "UPDATE jobs SET x = ?"), blockedBy: [21] }],
          blockers: [{ ...session(21, 90, "LOCK jobs"), state: "idle in transaction" }],
        },
      },
      idleInTransaction: { ok: false, error: "permission denied for view pg_stat_activity" },
      sizes: {
        ok: true,
        value: { databaseBytes: 3 * GB, tables: [{ name: "events", bytes: 2 * GB }] },
      },
    };
    const query = "<code>SELECT * FROM t WHERE a &lt; ?</code>";
    expect(renderPg(activity, en)).toBe(
      [
        HEADER,
        "<b>Connections</b>",
        "10 of max_connections 100 (10%): active 3 · idle 7",
        "<b>Longest-running queries</b>",
        `• 1m pid 1 (app, api&lt;1&gt;): ${query}`,
        `• 3m pid 2 (app, api&lt;1&gt;): ${query}`,
        `• 5m pid 3 (app, api&lt;1&gt;): ${query}`,
        `• 6m pid 4 (app, api&lt;1&gt;): ${query}`,
        `• 8m pid 5 (app, api&lt;1&gt;): ${query}`,
        "<i>+2 more</i>",
        "<b>Blocked sessions</b>",
        "• 30s pid 20 (app, api&lt;1&gt;) ⛔ by 21: <code>UPDATE jobs SET x = ?</code>",
        "<b>Blocking them</b>",
        "• 1m pid 21 (app, api&lt;1&gt;) idle in transaction: <code>LOCK jobs</code>",
        "<b>Idle in transaction</b> <i>unavailable: permission denied for view pg_stat_activity</i>",
        "<b>Size</b>",
        "database 3.0 GB; largest: events 2.0 GB",
      ].join("\n"),
    );
  });

  it("says none for each empty part, and that an embedded server reports no sessions", () => {
    const activity: PgActivity = {
      connections: { ok: true, value: { byState: [], total: 1, max: 0 } },
      longest: { ok: true, value: [] },
      blocked: { ok: true, value: { blocked: [], blockers: [] } },
      idleInTransaction: { ok: true, value: [] },
      sizes: { ok: true, value: { databaseBytes: 100, tables: [] } },
    };
    expect(renderPg(activity, en)).toBe(
      [
        HEADER,
        "<b>Connections</b>",
        "1 of max_connections 0: no sessions reported",
        "<b>Longest-running queries</b>",
        "none running",
        "<b>Blocked sessions</b>",
        "none waiting on a lock",
        "<b>Idle in transaction</b>",
        "none",
        "<b>Size</b>",
        "database 100 B; largest: no tables",
      ].join("\n"),
    );
  });
});
