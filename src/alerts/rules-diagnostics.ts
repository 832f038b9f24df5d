import {
  backupProblem,
  type BackupListing,
  type BackupProblem,
} from "../checks/listings/backups.js";
import type { PgActivity, PgSession } from "../checks/listings/pg-activity.js";
import { formatUtc } from "../clock.js";
import type { Alert, AlertFacts, Source } from "./types.js";

export interface DiagnosticsRuleOptions {
  /** pg_long_query: an active query running longer than this. */
  longQueryMinutes: number;
  /** pg_blocked: a session waiting on a lock longer than this. */
  blockedMinutes: number;
  /** backup_stale: the newest backup finished longer ago than this. */
  backupMaxAgeHours: number;
}

export interface DiagnosticsObservation {
  pgActivity?: PgActivity;
  backups?: BackupListing;
}

const QUERY_IN_SUMMARY = 120;
const short = (text: string) =>
  text.length <= QUERY_IN_SUMMARY ? text : `${text.slice(0, QUERY_IN_SUMMARY - 1)}…`;
const who = (s: PgSession) =>
  `pid ${s.pid}${s.user ? ` (${s.user}${s.application ? `, ${s.application}` : ""})` : ""}`;
const size = (bytes: number) =>
  bytes < 10 * 1_048_576 ? `${Math.round(bytes / 1024)} KB` : `${Math.round(bytes / 1_048_576)} MB`;
// PostgreSQL reuses pids: a session is its pid and backend start, a long query also its
// start, so a new query (or a new session on a reused pid) is a new alert.
const sessionKey = (s: PgSession) => `${s.pid}:${s.backendStartMs ?? "?"}`;

export function describeBackupProblem(problem: BackupProblem, dir: string): string {
  switch (problem.kind) {
    case "missing":
      return `no backup found in ${dir}`;
    case "old":
      return `newest backup ${problem.file.name} finished ${formatUtc(problem.file.modifiedAt)}, more than ${problem.limitHours} h ago`;
    case "truncated":
      return (
        `newest backup ${problem.file.name} is ${size(problem.file.bytes)}, ` +
        `${Math.round(problem.ratio * 100)}% of the one before it (${problem.previous.name}, ` +
        `${size(problem.previous.bytes)}): a truncated dump?`
      );
    case "damaged":
      return `backup ${problem.file.name} (${size(problem.file.bytes)}) is not a whole dump: ${problem.detail}`;
  }
}

/** A backup problem as alert facts (AlertFacts): the message `alert-backup_stale` says it. */
export function backupProblemFacts(problem: BackupProblem, dir: string): AlertFacts {
  switch (problem.kind) {
    case "missing":
      return { case: "missing", dir };
    case "old":
      return {
        case: "old",
        file: problem.file.name,
        finishedAt: problem.file.modifiedAt.toISOString(),
        hours: problem.limitHours,
      };
    case "truncated":
      return {
        case: "truncated",
        file: problem.file.name,
        fileBytes: problem.file.bytes,
        percent: Math.round(problem.ratio * 100),
        previous: problem.previous.name,
        previousBytes: problem.previous.bytes,
      };
    case "damaged":
      return {
        case: "damaged",
        file: problem.file.name,
        fileBytes: problem.file.bytes,
        error: problem.detail,
      };
  }
}

/**
 * Pure: the database's sessions and the backup directory in, alerts out. A part that could
 * not be read is not evaluated, so its alerts stay as they are.
 */
export function diagnosticsAlerts(
  observed: DiagnosticsObservation,
  options: DiagnosticsRuleOptions,
): { alerts: Alert[]; evaluated: Source[] } {
  const alerts: Alert[] = [];
  const evaluated: Source[] = [];
  const longest = observed.pgActivity?.longest;
  if (longest?.ok) {
    evaluated.push("pg_queries");
    for (const s of longest.value) {
      if (s.seconds <= options.longQueryMinutes * 60) continue;
      alerts.push({
        fingerprint: `pg_long_query:${sessionKey(s)}:${s.queryStartMs ?? "?"}`,
        kind: "pg_long_query",
        source: "pg_queries",
        summary: `query of ${who(s)} running longer than ${options.longQueryMinutes} min: ${short(s.query)}`,
        facts: { session: who(s), minutes: options.longQueryMinutes, query: short(s.query) },
      });
    }
  }
  const blocked = observed.pgActivity?.blocked;
  if (blocked?.ok) {
    evaluated.push("pg_locks");
    for (const s of blocked.value.blocked) {
      if (s.seconds <= options.blockedMinutes * 60) continue;
      alerts.push({
        fingerprint: `pg_blocked:${sessionKey(s)}`,
        kind: "pg_blocked",
        source: "pg_locks",
        summary: `${who(s)} waiting on a lock longer than ${options.blockedMinutes} min, blocked by pid ${s.blockedBy.join(", ")}: ${short(s.query)}`,
        facts: {
          session: who(s),
          minutes: options.blockedMinutes,
          blockers: s.blockedBy.join(", "),
          query: short(s.query),
        },
      });
    }
  }
  const backups = observed.backups;
  if (backups?.configured) {
    evaluated.push("backups");
    const problem = backupProblem(backups, options.backupMaxAgeHours);
    if (problem) {
      alerts.push({
        fingerprint: "backup_stale",
        kind: "backup_stale",
        source: "backups",
        summary: describeBackupProblem(problem, backups.dir),
        facts: backupProblemFacts(problem, backups.dir),
      });
    }
  }
  return { alerts, evaluated };
}
