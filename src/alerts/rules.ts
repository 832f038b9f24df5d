import type { Job } from "../checks/jobs.js";
import type { PostgresCheck } from "../checks/postgres.js";
import type { ComponentCheck } from "../checks/status.js";
import type { StuckRun } from "../checks/stuck.js";
import type { ConnectorSync } from "../checks/sync.js";
import { onCallAlerts, type OnCallObservation, type OnCallRuleOptions } from "./rules-on-call.js";
import type { Alert, Source } from "./types.js";

/** What one tick observed. A missing list means its query failed: not evaluated. */
export interface Snapshot extends OnCallObservation {
  api: ComponentCheck;
  postgres: PostgresCheck;
  redis: ComponentCheck;
  stuck?: { runs: StuckRun[]; complete: boolean };
  jobs?: Job[];
  connectors?: ConnectorSync[];
}

export type Component = "api" | "redis";
export type FailureCounts = Partial<Record<Component, number>>;

export interface RuleOptions {
  downAfterChecks: number;
  /** Share of max_connections in use above which pg_connections_high fires. */
  connectionsHighRatio?: number;
  onCall?: OnCallRuleOptions;
}

export interface Evaluation {
  alerts: Alert[];
  evaluated: Set<Source>;
  failures: FailureCounts;
}

const clock = (at: Date | null) =>
  at === null ? "never" : `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
const short = (text: string | null, max = 200) =>
  text === null ? "" : text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** Pure: data in, fingerprinted alerts out. Component alerts need consecutive failures. */
export function evaluateRules(
  snapshot: Snapshot,
  previous: FailureCounts,
  options: RuleOptions,
): Evaluation {
  const alerts: Alert[] = [];
  const evaluated = new Set<Source>(["api", "redis", "postgres"]);
  const failures: FailureCounts = {};

  const component = (name: Component, check: ComponentCheck, summary: string) => {
    // DESIGN: anything but ok-like is unhealthy (a degraded API too); not configured is fine.
    const failing = check.status === "down" || check.status === "degraded";
    const count = failing ? (previous[name] ?? 0) + 1 : 0;
    failures[name] = count;
    if (count >= options.downAfterChecks) {
      alerts.push({ fingerprint: `${name}_down`, kind: `${name}_down`, source: name, summary });
    }
  };
  component("api", snapshot.api, `API /health unhealthy: ${short(snapshot.api.error ?? "down")}`);
  component("redis", snapshot.redis, `Redis unreachable: ${short(snapshot.redis.error ?? "down")}`);

  const connections = snapshot.postgres.connections;
  const ratio = options.connectionsHighRatio ?? 0.8;
  if (connections && connections.used > connections.max * ratio) {
    alerts.push({
      fingerprint: "pg_connections_high",
      kind: "pg_connections_high",
      source: "postgres",
      summary: `PostgreSQL connections ${connections.used}/${connections.max}`,
    });
  }

  // A truncated stuck list cannot tell which runs finished: leave those alerts as they are.
  if (snapshot.stuck?.complete) {
    evaluated.add("stuck");
    for (const run of snapshot.stuck.runs) {
      const kind = run.kind === "worker" ? "stuck_worker" : "stuck_process";
      alerts.push({
        fingerprint: `${kind}:${run.id}`,
        kind,
        source: "stuck",
        summary: `${run.kind} run ${run.id} (${run.name}) running since ${clock(run.startedAt)}`,
      });
    }
  }
  if (snapshot.jobs) {
    evaluated.add("jobs");
    for (const job of snapshot.jobs) {
      if (job.failed) {
        const summary = `job ${job.jobType} failed${job.lastError ? `: ${short(job.lastError)}` : ""}`;
        alerts.push({
          fingerprint: `job_failed:${job.jobType}`,
          kind: "job_failed",
          source: "jobs",
          summary,
        });
      }
      if (job.overdue) {
        const summary = `job ${job.jobType} overdue: next run was due ${clock(job.nextRunAt)}`;
        alerts.push({
          fingerprint: `job_overdue:${job.jobType}`,
          kind: "job_overdue",
          source: "jobs",
          summary,
        });
      }
    }
  }
  if (snapshot.connectors) {
    evaluated.add("sync");
    for (const c of snapshot.connectors) {
      if (c.failed) {
        const detail = c.lastError ? `: ${short(c.lastError)}` : "";
        const summary = `connector ${c.connector} ${c.lastStatus ?? "failed"}${detail}`;
        alerts.push({
          fingerprint: `connector_failed:${c.connector}`,
          kind: "connector_failed",
          source: "sync",
          summary,
        });
      }
      if (c.stale) {
        const summary = `connector ${c.connector} last synced ${clock(c.lastSyncedAt)}`;
        alerts.push({
          fingerprint: `connector_stale:${c.connector}`,
          kind: "connector_stale",
          source: "sync",
          summary,
        });
      }
    }
  }
  if (options.onCall) {
    const onCall = onCallAlerts(snapshot, options.onCall);
    alerts.push(...onCall.alerts);
    for (const source of onCall.evaluated) evaluated.add(source);
  }
  return { alerts, evaluated, failures };
}
