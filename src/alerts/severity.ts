import type { Severity } from "./types.js";

/** Kinds that page with sound: the system, or a whole class of work, is down or blind. */
const CRITICAL_KINDS: ReadonlySet<string> = new Set([
  "api_down",
  "pg_down",
  "redis_down",
  "scheduler_stalled",
  "watcher_degraded",
  "job_suspended",
  "backup_stale",
  "pg_blocked",
]);

/** An alert's own severity when it carries one (Alertmanager's label), else its kind's. */
export function severityOf(alert: { kind: string; severity?: Severity | undefined }): Severity {
  return alert.severity ?? (CRITICAL_KINDS.has(alert.kind) ? "critical" : "warning");
}

/** A message with any critical alert makes a sound; one of warnings only is sent quietly. */
export const anyCritical = (alerts: readonly { kind: string; severity?: Severity }[]) =>
  alerts.some((a) => severityOf(a) === "critical");
