// The alert kinds (src/alerts/kinds.ts) against the docs and the rules: the kinds table in
// docs/alerts.md is the catalogue's, and every alert a rule fires names a declared source.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALERT_KINDS, type AlertKind } from "../../src/alerts/kinds.js";
import { evaluateRules, type Snapshot } from "../../src/alerts/rules.js";
import type { PgSession } from "../../src/checks/listings/pg-activity.js";
import { RULES } from "../kit/alerts.js";

const DOC = new URL("../../docs/alerts.md", import.meta.url);
const HEADER = "| kind | severity | sources | fires when |";

/** The table's rows as the catalogue gives them, in its order. */
const expectedRows = () =>
  Object.entries(ALERT_KINDS).map(
    ([kind, spec]) =>
      `| \`${kind}\` | ${spec.severity} | ${spec.sources.join(", ")} | ${spec.description} |`,
  );

/** The rows of the doc's kinds table (the one under HEADER), as written. */
function documentedRows(): string[] {
  const lines = readFileSync(DOC, "utf8").split("\n");
  const start = lines.indexOf(HEADER);
  expect(start, `docs/alerts.md has no table headed ${HEADER}`).toBeGreaterThan(-1);
  const end = lines.findIndex((line, i) => i > start && !line.startsWith("|"));
  return lines.slice(start + 2, end);
}

describe("the alert kinds catalogue", () => {
  it("is the kinds table of docs/alerts.md, row for row", () => {
    expect(documentedRows()).toEqual(expectedRows());
  });

  it("names every alert the rules fire by a declared kind and one of its sources", () => {
    const alerts = evaluateRules(everythingWrong(), {}, { ...RULES, downAfterChecks: 1 }).alerts;
    // Every kind the watcher's rules fire: the check below sees each of them.
    // The probe loop's (probe-loop.ts) and the paging path's own are not the rules'.
    const notFromRules: AlertKind[] = [
      "api_down",
      "pg_down",
      "redis_down",
      "am",
      "webhook_failing",
      "watchdog_missing",
    ];
    expect([...new Set(alerts.map((a) => a.kind))].sort()).toEqual(
      (Object.keys(ALERT_KINDS) as AlertKind[]).filter((k) => !notFromRules.includes(k)).sort(),
    );
    for (const alert of alerts) {
      expect(ALERT_KINDS[alert.kind].sources, alert.fingerprint).toContain(alert.source);
      expect(alert.fingerprint.split(":")[0], alert.fingerprint).toBe(alert.kind);
    }
  });
});

/** A snapshot in which every rule of the watcher fires (PostgreSQL itself answers). */
function everythingWrong(): Snapshot {
  const now = new Date("2026-12-06T00:00:00Z");
  const owner = { projectId: null, project: null };
  const run = { ...owner, id: 1, name: "embeddings_run", startedAt: now };
  const session: PgSession = {
    pid: 7,
    user: null,
    application: null,
    state: "active",
    seconds: 3600,
    query: "SELECT 1",
    backendStartMs: 0,
    queryStartMs: 0,
  };
  const ok = <T>(value: T) => ({ ok: true as const, value });
  return {
    postgres: { status: "ok", connections: { used: 99, max: 100 } },
    stuck: { runs: [{ ...run, kind: "worker" }], complete: true },
    processes: { runs: [{ ...run, kind: "process" }], complete: true },
    jobs: [
      {
        ...owner,
        jobType: "digest",
        status: "suspended",
        lastStatus: "failed",
        lastRunAt: now,
        nextRunAt: now,
        lastError: "boom",
        startedAt: now,
        failed: true,
        overdue: true,
        suspended: true,
        stuck: true,
      },
    ],
    connectors: [
      {
        ...owner,
        connector: "linear",
        lastStatus: "failed",
        lastSyncedAt: null,
        lastAttemptAt: now,
        lastError: "401",
        mock: false,
        failed: true,
        partial: true,
        stuck: true,
        idle: false,
        stale: true,
      },
    ],
    scheduler: { overdueJobs: 1, lastRunStartedAt: null, stalled: true },
    blind: { backups: "EACCES" },
    pgActivity: {
      connections: ok({ byState: [], total: 99, max: 100 }),
      longest: ok([session]),
      blocked: ok({ blocked: [{ ...session, blockedBy: [8] }], blockers: [] }),
      idleInTransaction: ok([]),
      sizes: ok({ databaseBytes: 1, tables: [] }),
    },
    backups: {
      configured: true,
      dir: "/backups",
      files: [],
      count: 0,
      unreadable: 0,
      checkedAt: now,
    },
  };
}
