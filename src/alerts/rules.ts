import type { Job } from "../checks/listings/jobs.js";
import type { PostgresCheck } from "../checks/probes/postgres.js";
import type { SchedulerState } from "../checks/listings/scheduler.js";
import { scopedKey } from "../checks/scope.js";
import { formatUtc } from "../clock.js";
import type { StuckRun } from "../checks/listings/stuck.js";
import type { ConnectorSync } from "../checks/listings/sync.js";
import {
  diagnosticsAlerts,
  type DiagnosticsObservation,
  type DiagnosticsRuleOptions,
} from "./rules-diagnostics.js";
import type { Alert, AlertFacts, AlertKind, Source } from "./types.js";

/** The watcher's checks that read LabPics tables; each is evaluated on its own. */
export const WATCHED_CHECKS = [
  "jobs",
  "stuck",
  "processes",
  "sync",
  "scheduler",
  "backups",
  "pg_queries",
  "pg_locks",
] as const;
export type WatchedCheck = (typeof WATCHED_CHECKS)[number];

/**
 * What one tick observed. A missing list means its query failed: not evaluated. The API's
 * and Redis's health are the probe loop's (probe-loop.ts), not a tick's.
 */
export interface Snapshot extends DiagnosticsObservation {
  postgres: PostgresCheck;
  stuck?: { runs: StuckRun[]; complete: boolean };
  processes?: { runs: StuckRun[]; complete: boolean };
  jobs?: Job[];
  connectors?: ConnectorSync[];
  scheduler?: SchedulerState;
  /** Checks that could not be evaluated this tick, with why. */
  blind?: Partial<Record<WatchedCheck, string>>;
  /** The projects watched (labpics shape; undefined when unknown or unscoped). */
  projects?: ReadonlySet<string>;
}

/** Consecutive blind ticks of each check ("check:jobs"). */
export type FailureCounts = Partial<Record<string, number>>;

/**
 * Every threshold of the rules, stated once: parsed from the environment (src/config) and
 * passed as it is, through the watcher, to the rules.
 */
export interface AlertRuleOptions extends DiagnosticsRuleOptions {
  /** Failing ticks in a row before a component or a blind check fires (DOWN_AFTER_CHECKS). */
  downAfterChecks: number;
  /** pg_connections_high: the share of max_connections in use above which it fires. */
  connectionsHighRatio: number;
}

export interface Evaluation {
  alerts: Alert[];
  evaluated: Set<Source>;
  failures: FailureCounts;
  /** Why each blind check is blind, stored beside its count. */
  reasons: Partial<Record<string, string>>;
}

export const blindKey = (check: WatchedCheck) => `check:${check}`;

const utcOrNever = (at: Date | null) => (at === null ? "never" : formatUtc(at));
/** A quoted error text in alert summaries, cut to `max`. */
export const short = (text: string | null, max = 200) =>
  text === null ? "" : text.length <= max ? text : `${text.slice(0, max - 1)}…`;
const inProject = (project: string | null) => (project === null ? "" : ` [${project}]`);
/** A time as an alert fact (AlertFacts): ISO, null for never. */
export const factTime = (at: Date | null | undefined) => at?.toISOString() ?? null;
const errorFact = (text: string | null) => (text ? short(text) : null);

function stuckAlerts(runs: readonly StuckRun[], source: Source): Alert[] {
  return runs.map((run) => {
    const kind = run.kind === "worker" ? "stuck_worker" : "stuck_process";
    // LabPics's own cleanup of dead runs fails (uuid = integer): say so, and where the fix is.
    const unreaped = run.kind === "worker" && run.projectId !== null;
    return {
      fingerprint: `${kind}:${scopedKey(run.projectId, String(run.id))}`,
      kind,
      source,
      summary:
        `${run.kind} run ${run.id} (${run.name})${inProject(run.project)} running since ${utcOrNever(run.startedAt)}` +
        (unreaped
          ? "; LabPics's dead-job cleanup has not reaped it: /stuck shows the SQL that marks it failed"
          : ""),
      facts: {
        case: unreaped ? "unreaped" : "run",
        id: String(run.id),
        name: run.name,
        project: run.project,
        startedAt: factTime(run.startedAt),
      },
    };
  });
}

function jobAlerts(jobs: readonly Job[]): Alert[] {
  const alerts: Alert[] = [];
  const fingerprint = (kind: AlertKind, job: Job) =>
    `${kind}:${scopedKey(job.projectId, job.jobType)}`;
  const add = (
    kind: AlertKind,
    job: Job,
    said: { summary: string; facts: AlertFacts },
    supersedes?: string,
  ) =>
    alerts.push({
      fingerprint: fingerprint(kind, job),
      kind,
      source: "jobs",
      summary: `job ${job.jobType}${inProject(job.project)} ${said.summary}`,
      facts: { job: job.jobType, project: job.project, ...said.facts },
      ...(supersedes !== undefined ? { supersedes } : {}),
    });
  const error = (job: Job) => (job.lastError ? `: ${short(job.lastError)}` : "");
  for (const job of jobs) {
    const failure = { error: errorFact(job.lastError) };
    // An escalation of its failures: job_failed ends with it, never announced as resolved.
    if (job.suspended) {
      const failed = fingerprint("job_failed", job);
      add(
        "job_suspended",
        job,
        {
          summary: `suspended by the scheduler after repeated failures${error(job)}`,
          facts: failure,
        },
        failed,
      );
    }
    if (job.failed) add("job_failed", job, { summary: `failed${error(job)}`, facts: failure });
    if (job.overdue)
      add("job_overdue", job, {
        summary: `overdue: next run was due ${utcOrNever(job.nextRunAt)}`,
        facts: { dueAt: factTime(job.nextRunAt) },
      });
    if (job.stuck)
      add("stuck_worker", job, {
        summary: `running since ${utcOrNever(job.startedAt)}`,
        facts: { case: "job", startedAt: factTime(job.startedAt) },
      });
  }
  return alerts;
}

function connectorAlerts(connectors: readonly ConnectorSync[]): Alert[] {
  const alerts: Alert[] = [];
  const add = (kind: AlertKind, c: ConnectorSync, summary: string, facts: AlertFacts) =>
    alerts.push({
      fingerprint: `${kind}:${scopedKey(c.projectId, c.connector)}`,
      kind,
      source: "sync",
      summary: `connector ${c.connector}${inProject(c.project)} ${summary}`,
      facts: { connector: c.connector, project: c.project, ...facts },
    });
  for (const c of connectors) {
    const detail = c.lastError ? `: ${short(c.lastError)}` : "";
    const error = errorFact(c.lastError);
    const status = c.lastStatus ?? "failed";
    if (c.failed)
      add("connector_failed", c, `${status}${detail}`, { case: "failed", status, error });
    if (c.stuck)
      add("connector_failed", c, `running since ${utcOrNever(c.lastAttemptAt)} (stuck)`, {
        case: "stuck",
        startedAt: factTime(c.lastAttemptAt),
      });
    if (c.partial) add("connector_partial", c, `synced partially${detail}`, { error });
    if (c.stale)
      add("connector_stale", c, `last synced ${utcOrNever(c.lastSyncedAt)}`, {
        syncedAt: factTime(c.lastSyncedAt),
      });
  }
  return alerts;
}

/** Pure: data in, fingerprinted alerts out. Blind-check alerts need consecutive blind ticks. */
export function evaluateRules(
  snapshot: Snapshot,
  previous: FailureCounts,
  options: AlertRuleOptions,
): Evaluation {
  const alerts: Alert[] = [];
  const evaluated = new Set<Source>(["postgres", "watcher"]);
  const failures: FailureCounts = {};
  const reasons: Partial<Record<string, string>> = {};

  const count = (key: string, failing: boolean) => {
    const n = failing ? (previous[key] ?? 0) + 1 : 0;
    failures[key] = n;
    return n >= options.downAfterChecks;
  };
  for (const check of WATCHED_CHECKS) {
    const reason = snapshot.blind?.[check];
    if (reason !== undefined) reasons[blindKey(check)] = reason;
    if (count(blindKey(check), reason !== undefined)) {
      alerts.push({
        fingerprint: `watcher_degraded:${check}`,
        kind: "watcher_degraded",
        source: "watcher",
        summary: `the ${check} check cannot be evaluated: ${short(reason ?? "unknown")}`,
        facts: { check, error: short(reason ?? "unknown") },
      });
    }
  }

  const connections = snapshot.postgres.connections;
  // One busy sample pages nobody: DOWN_AFTER_CHECKS ticks in a row, as for a component.
  const busy =
    connections !== undefined && connections.used > connections.max * options.connectionsHighRatio;
  if (count("pg_connections_high", busy) && connections) {
    alerts.push({
      fingerprint: "pg_connections_high",
      kind: "pg_connections_high",
      source: "postgres",
      summary: `PostgreSQL connections ${connections.used}/${connections.max}`,
      facts: { used: connections.used, max: connections.max },
    });
  }

  // A truncated stuck list cannot tell which runs finished: leave those alerts as they are.
  if (snapshot.stuck?.complete) {
    evaluated.add("stuck");
    alerts.push(...stuckAlerts(snapshot.stuck.runs, "stuck"));
  }
  if (snapshot.processes?.complete) {
    evaluated.add("processes");
    alerts.push(...stuckAlerts(snapshot.processes.runs, "processes"));
  }
  if (snapshot.jobs) {
    evaluated.add("jobs");
    alerts.push(...jobAlerts(snapshot.jobs));
  }
  if (snapshot.connectors) {
    evaluated.add("sync");
    alerts.push(...connectorAlerts(snapshot.connectors));
  }
  if (snapshot.scheduler) {
    evaluated.add("scheduler");
    const s = snapshot.scheduler;
    if (s.stalled) {
      alerts.push({
        fingerprint: "scheduler_stalled",
        kind: "scheduler_stalled",
        source: "scheduler",
        summary:
          `scheduler stalled: ${s.overdueJobs} active job(s) overdue, last worker run started ${utcOrNever(s.lastRunStartedAt)}` +
          (s.cause !== undefined ? `; why: ${short(s.cause)}` : ""),
        facts: {
          case: s.cause !== undefined ? "cause" : "plain",
          overdue: s.overdueJobs,
          lastRunAt: factTime(s.lastRunStartedAt),
          cause: s.cause !== undefined ? short(s.cause) : "",
        },
      });
    }
  }
  const diagnostics = diagnosticsAlerts(snapshot, options);
  alerts.push(...diagnostics.alerts);
  for (const source of diagnostics.evaluated) evaluated.add(source);
  return { alerts, evaluated, failures, reasons };
}
