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
  /** Alerts received from Alertmanager (POST /alertmanager), read from opsbot.am_alerts. */
  | "alertmanager"
  /** watcher_degraded: always evaluated, from the blind-check counts. */
  | "watcher";

/** A condition that holds now, as the rules see it. */
export interface Alert {
  fingerprint: string;
  kind: string;
  source: Source;
  summary: string;
  /** Given by the source (Alertmanager's `severity` label); otherwise the kind's own. */
  severity?: "critical" | "warning";
}

/** An alert's current (or last) episode, as stored. */
export interface AlertState extends Alert {
  firingSince: Date;
  resolvedAt: Date | null;
  /** Last delivered firing/repeat notification of this episode; null: never announced. */
  notifiedAt: Date | null;
  /** A firing/repeat notification waits in the outbox. */
  queuedAt: Date | null;
}

export interface Silence {
  /** An exact fingerprint, or a prefix ending in "*". */
  matcher: string;
  until: Date;
  createdBy: string;
}

export type NotificationKind = "firing" | "repeat" | "resolved";

/** What a notification carries: a snapshot of its alerts when it was queued. */
export interface NotifiedAlert {
  fingerprint: string;
  kind: string;
  summary: string;
  firingSince: string;
  resolvedAt?: string;
}
