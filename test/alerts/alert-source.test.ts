// An extra alert source (as the Alertmanager receiver plugs in: kind "am", severity from its
// label) through every stage against real PostgreSQL: state, route, silence, ack, group,
// notify — and a source that cannot be read resolves nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ackAlerts, saveSilences } from "../../src/alerts/alert-store.js";
import { deliverPending } from "../../src/alerts/deliver.js";
import { evaluateAndQueue, loadTickState } from "../../src/alerts/evaluate-tick.js";
import type { Notification, NotifierFor } from "../../src/alerts/notifier.js";
import type { Destination } from "../../src/alerts/routes.js";
import { observeSources, type AlertSource } from "../../src/alerts/sources.js";
import type { Snapshot } from "../../src/alerts/rules.js";
import type { Alert } from "../../src/alerts/types.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { migrate } from "../../src/db/migrate.js";
import { createLogger } from "../../src/log/create-logger.js";
import { RULES } from "../kit/alerts.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

const AM_CHAT = -5001;
const TEAM = -5000;
const logger = createLogger({ level: "silent", secrets: [] });
const QUIET: Snapshot = { postgres: { status: "ok" } };
const am = (name: string, severity?: "critical" | "warning"): Alert => ({
  fingerprint: `am:${name}:0f1e`,
  kind: "am",
  source: "alertmanager",
  summary: `${name} firing`,
  ...(severity ? { severity } : {}),
});

let database: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ connectionString: database.connectionString, max: 3 });
  await migrate(pool);
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});
beforeEach(async () => {
  await pool.query("TRUNCATE opsbot.alerts, opsbot.outbox, opsbot.silences");
});

/** The watcher's tick, minus the checks: the source's alerts in, notifications out. */
function pipeline() {
  const clock = createFakeClock();
  const sent: (Notification & { to: Destination })[] = [];
  const notifierFor: NotifierFor = (to) => ({
    send: (n) => {
      sent.push({ ...n, to });
      return Promise.resolve({ ok: true, messageId: sent.length });
    },
  });
  let firing: Alert[] = [];
  let readable = true;
  const source: AlertSource = {
    source: "alertmanager",
    firing: () => (readable ? Promise.resolve(firing) : Promise.reject(new Error("table gone"))),
  };
  const deps = {
    pool,
    rules: RULES,
    repeatMs: 30 * MINUTE,
    routing: {
      routes: [{ pattern: "am:*", destination: { chatId: AM_CHAT } }],
      fallback: { chatId: TEAM },
    },
  };
  return {
    clock,
    sent,
    set: (alerts: Alert[]) => (firing = alerts),
    unreadable: () => (readable = false),
    async tick() {
      const now = clock.now();
      const state = await loadTickState(pool, now);
      await evaluateAndQueue(deps, QUIET, state, now, [], await observeSources([source], logger));
      await deliverPending({ pool, notifierFor, clock, logger, sleep: () => Promise.resolve() });
    },
  };
}

describe("an extra alert source (Alertmanager's kind am)", () => {
  it("is routed, carries its severity, repeats, resolves once", async () => {
    const p = pipeline();
    p.set([am("High5xxRate", "critical"), am("DiskFilling")]);
    await p.tick();
    expect(p.sent).toHaveLength(1);
    expect(p.sent[0]!.to).toEqual({ chatId: AM_CHAT });
    expect(p.sent[0]!.alerts.map((a) => [a.fingerprint, a.severity])).toEqual([
      ["am:High5xxRate:0f1e", "critical"],
      ["am:DiskFilling:0f1e", undefined],
    ]);
    // Re-sent by Alertmanager while it keeps firing: nothing repeats before the interval.
    await p.tick();
    expect(p.sent).toHaveLength(1);
    p.clock.advance(31 * MINUTE);
    await p.tick();
    expect(p.sent.map((n) => n.kind)).toEqual(["firing", "repeat"]);
    p.set([]);
    await p.tick();
    await p.tick();
    expect(p.sent.map((n) => n.kind)).toEqual(["firing", "repeat", "resolved"]);
    const resolved = p.sent[2]!.alerts.find((a) => a.fingerprint === "am:High5xxRate:0f1e");
    expect(resolved?.severity).toBe("critical");
  });

  it("is silenced and acked like any other alert", async () => {
    const p = pipeline();
    const now = p.clock.now();
    await saveSilences(
      pool,
      ["am:Silenced*"],
      { startsAt: now, until: new Date(now.getTime() + 60 * MINUTE) },
      "@olga",
      now,
    );
    p.set([am("Silenced"), am("Acked")]);
    await p.tick();
    expect(p.sent.map((n) => n.alerts.map((a) => a.fingerprint))).toEqual([["am:Acked:0f1e"]]);
    await ackAlerts(pool, ["am:Acked:0f1e"], p.clock.now(), "@olga", p.clock.now());
    p.clock.advance(31 * MINUTE);
    await p.tick();
    expect(p.sent).toHaveLength(1);
  });

  it("resolves nothing while the source cannot be read (unknown is not ok)", async () => {
    const p = pipeline();
    p.set([am("High5xxRate")]);
    await p.tick();
    p.unreadable();
    await p.tick();
    await p.tick();
    expect(p.sent.map((n) => n.kind)).toEqual(["firing"]);
    const { rows } = await pool.query("SELECT resolved_at FROM opsbot.alerts");
    expect(rows).toEqual([{ resolved_at: null }]);
  });
});
