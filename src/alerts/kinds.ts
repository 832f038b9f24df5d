/**
 * Where an alert's evidence comes from. A source that could not be evaluated this tick
 * (its query failed, PostgreSQL is down) leaves its alerts as they were: unknown is not ok.
 */
export type Source =
  | "api"
  | "postgres"
  | "redis"
  | "stuck"
  | "processes"
  | "jobs"
  | "sync"
  | "scheduler"
  | "pg_queries"
  | "pg_locks"
  | "backups"
  /** watcher_degraded: always evaluated, from the blind-check counts. */
  | "watcher"
  /** Alerts received from Prometheus Alertmanager (kind "am"), and the watchdog's absence. */
  | "alertmanager"
  /** What Telegram says of the bot's own webhook (getWebhookInfo). */
  | "telegram";

export type Severity = "critical" | "warning";

export interface AlertKindSpec {
  /** The sources whose rules fire and resolve it (an alert names the one that did). */
  sources: readonly Source[];
  /** Its alerts' severity, unless an alert carries its own (Alertmanager's label). */
  severity: Severity;
  /** What it means, in one line: docs/alerts.md's kinds table says the same. */
  description: string;
}

/**
 * The one list of alert kinds, where each is declared: the AlertKind type, severityOf and
 * the kinds table in docs/alerts.md (test/alerts/kinds.test.ts) all read it. A kind is the
 * first part of its alerts' fingerprints.
 */
export const ALERT_KINDS = {
  api_down: {
    sources: ["api"],
    severity: "critical",
    description: "The API's /health is unhealthy in every probe for DOWN_AFTER_SECONDS",
  },
  pg_down: {
    sources: ["postgres"],
    severity: "critical",
    description: "PostgreSQL is unreachable in every probe for DOWN_AFTER_SECONDS",
  },
  redis_down: {
    sources: ["redis"],
    severity: "critical",
    description: "The bot's Redis is unreachable in every probe for DOWN_AFTER_SECONDS",
  },
  scheduler_stalled: {
    sources: ["scheduler"],
    severity: "critical",
    description: "Active jobs are overdue and no worker run started for SCHEDULER_STALL_MINUTES",
  },
  watcher_degraded: {
    sources: ["watcher"],
    severity: "critical",
    description: "A watcher check cannot be evaluated for DOWN_AFTER_CHECKS ticks in a row",
  },
  job_suspended: {
    sources: ["jobs"],
    severity: "critical",
    description: "The scheduler suspended a job",
  },
  backup_stale: {
    sources: ["backups"],
    severity: "critical",
    description: "No backup, the newest older than BACKUP_MAX_AGE_HOURS, or a truncated one",
  },
  pg_blocked: {
    sources: ["pg_locks"],
    severity: "critical",
    description: "A session has waited on a lock longer than PG_BLOCKED_MINUTES",
  },
  webhook_failing: {
    sources: ["telegram"],
    severity: "critical",
    description: "Telegram reports webhook delivery errors or a backlog of pending updates",
  },
  watchdog_missing: {
    sources: ["alertmanager"],
    severity: "critical",
    description: "Alertmanager's watchdog alert stopped arriving: the Prometheus path is broken",
  },
  stuck_worker: {
    sources: ["stuck", "jobs"],
    severity: "warning",
    description: "A worker run or a running job goes on longer than STUCK_AFTER_MINUTES",
  },
  stuck_process: {
    sources: ["processes"],
    severity: "warning",
    description: "A process run goes on longer than STUCK_AFTER_MINUTES",
  },
  job_failed: {
    sources: ["jobs"],
    severity: "warning",
    description: "A job's last run failed",
  },
  job_overdue: {
    sources: ["jobs"],
    severity: "warning",
    description: "An active job's next run is more than JOB_OVERDUE_MINUTES late",
  },
  connector_failed: {
    sources: ["sync"],
    severity: "warning",
    description: "A connector's sync failed, or has been running longer than STUCK_AFTER_MINUTES",
  },
  connector_stale: {
    sources: ["sync"],
    severity: "warning",
    description: "A connector last synced longer ago than SYNC_STALE_MINUTES",
  },
  connector_partial: {
    sources: ["sync"],
    severity: "warning",
    description: "A connector synced partially",
  },
  pg_connections_high: {
    sources: ["postgres"],
    severity: "warning",
    description: "Connections in use exceed PG_CONNECTIONS_HIGH_PERCENT of max_connections",
  },
  pg_long_query: {
    sources: ["pg_queries"],
    severity: "warning",
    description: "An active query has run longer than PG_LONG_QUERY_MINUTES",
  },
  am: {
    sources: ["alertmanager"],
    severity: "warning",
    description: "An alert from Prometheus Alertmanager; critical if its severity label says so",
  },
} as const satisfies Record<string, AlertKindSpec>;

export type AlertKind = keyof typeof ALERT_KINDS;

/** A kind this version declares; a stored row may hold one a later version added. */
export const isAlertKind = (kind: string): kind is AlertKind => Object.hasOwn(ALERT_KINDS, kind);
