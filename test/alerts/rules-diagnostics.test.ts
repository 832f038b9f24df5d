import { describe, expect, it } from "vitest";
import { diagnosticsAlerts } from "../../src/alerts/rules-diagnostics.js";
import { evaluateRules, type Snapshot } from "../../src/alerts/rules.js";
import type { PgActivity, PgSession } from "../../src/checks/listings/pg-activity.js";

const OPTIONS = { longQueryMinutes: 10, blockedMinutes: 5, backupMaxAgeHours: 26 };
const BACKEND_START = Date.UTC(2026, 0, 1);
const session = (pid: number, seconds: number, backendStartMs = BACKEND_START): PgSession => ({
  pid,
  user: "app",
  application: "worker",
  state: "active",
  seconds,
  query: "SELECT ? FROM t",
  backendStartMs,
  queryStartMs: backendStartMs + 60_000,
});
const unavailable = { ok: false as const, error: "relation does not exist" };
const activity = (over: Partial<PgActivity>): PgActivity => ({
  connections: { ok: true, value: { byState: [], total: 1, max: 100 } },
  longest: { ok: true, value: [] },
  blocked: { ok: true, value: { blocked: [], blockers: [] } },
  idleInTransaction: { ok: true, value: [] },
  sizes: { ok: true, value: { databaseBytes: 1, tables: [] } },
  ...over,
});

describe("diagnostics alert rules", () => {
  it("pg_long_query: a query past PG_LONG_QUERY_MINUTES, one alert per session", () => {
    const long = activity({ longest: { ok: true, value: [session(7, 601), session(8, 600)] } });
    const { alerts } = diagnosticsAlerts({ pgActivity: long }, OPTIONS);
    expect(alerts.map((a) => a.fingerprint)).toEqual([
      `pg_long_query:7:${BACKEND_START}:${BACKEND_START + 60_000}`,
    ]);
    expect(alerts[0]!.summary).toBe(
      "query of pid 7 (app, worker) running longer than 10 min: SELECT ? FROM t",
    );
  });

  it("pg_blocked: a session waiting past PG_BLOCKED_MINUTES, naming its blockers", () => {
    const waiting = { ...session(9, 301), blockedBy: [3, 4] };
    const blocked = activity({
      blocked: { ok: true, value: { blocked: [waiting], blockers: [] } },
    });
    const { alerts } = diagnosticsAlerts({ pgActivity: blocked }, OPTIONS);
    expect(alerts).toEqual([
      expect.objectContaining({
        fingerprint: `pg_blocked:9:${BACKEND_START}`,
        kind: "pg_blocked",
        source: "pg_locks",
      }),
    ]);
    expect(alerts[0]!.summary).toContain("blocked by pid 3, 4");
  });

  it("keys sessions by pid and backend start (PostgreSQL reuses pids), long queries by their start too", () => {
    const reused = session(7, 700, BACKEND_START + 3_600_000);
    const nextQuery = { ...session(7, 700), queryStartMs: BACKEND_START + 120_000 };
    const long = activity({ longest: { ok: true, value: [session(7, 700), reused, nextQuery] } });
    const fingerprints = diagnosticsAlerts({ pgActivity: long }, OPTIONS).alerts.map(
      (a) => a.fingerprint,
    );
    expect(new Set(fingerprints).size).toBe(3);
    const waiting = (s: PgSession) => ({ ...s, blockedBy: [3] });
    const blocked = activity({
      blocked: {
        ok: true,
        value: {
          blocked: [waiting(session(9, 400)), waiting(session(9, 400, BACKEND_START + 1))],
          blockers: [],
        },
      },
    });
    const keys = diagnosticsAlerts({ pgActivity: blocked }, OPTIONS).alerts.map(
      (a) => a.fingerprint,
    );
    expect(keys).toEqual([`pg_blocked:9:${BACKEND_START}`, `pg_blocked:9:${BACKEND_START + 1}`]);
  });

  it("leaves a part it could not read unevaluated (its alerts stay as they are)", () => {
    const broken = activity({ longest: unavailable, blocked: unavailable });
    expect(diagnosticsAlerts({ pgActivity: broken }, OPTIONS).evaluated).toEqual([]);
  });

  it("evaluateRules adds them, and takes pg_connections_high's ratio from its options", () => {
    const snapshot: Snapshot = {
      postgres: { status: "ok", connections: { used: 60, max: 100 } },
      pgActivity: activity({ longest: { ok: true, value: [session(7, 3600)] } }),
    };
    const at = (ratio: number) =>
      evaluateRules(
        snapshot,
        // Busy on the tick before: pg_connections_high needs DOWN_AFTER_CHECKS ticks.
        { pg_connections_high: 1 },
        { downAfterChecks: 2, connectionsHighRatio: ratio, ...OPTIONS },
      );
    expect(at(0.5).alerts.map((a) => a.kind)).toEqual(["pg_connections_high", "pg_long_query"]);
    expect(at(0.8).alerts.map((a) => a.kind)).toEqual(["pg_long_query"]);
    expect([...at(0.8).evaluated]).toContain("pg_locks");
  });
});
