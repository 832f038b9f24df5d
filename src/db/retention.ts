import type { Clock } from "../clock.js";
import type { Logger } from "../log/create-logger.js";
import type { Pool } from "./pool.js";

export interface RetentionPolicy {
  /** Sent alert messages, dialogue state, ended silences, resolved Alertmanager alerts. */
  days: number;
  /** Finished deploys and rollbacks with their audit trail: kept longest. */
  auditDays: number;
}

const DAY_MS = 86_400_000;
// Actions that may still change: never pruned.
const FINISHED = ["succeeded", "failed", "timed_out", "interrupted", "cancelled", "expired"];

/**
 * Deletes what no longer matters: expired dedup claims, alert messages sent or cancelled
 * before the retention period, stale dialogue state, long-ended silences, long-resolved
 * Alertmanager alerts, alert events and incidents closed as long ago; finished
 * actions (and their audit rows, which reference them) after the audit period. Never an
 * unsent outbox row, nor a pending or running action. Returns the rows deleted per table.
 */
export async function pruneOldRows(
  pool: Pool,
  policy: RetentionPolicy,
  now: Date,
): Promise<Record<string, number>> {
  const cutoff = new Date(now.getTime() - policy.days * DAY_MS);
  const auditCutoff = new Date(now.getTime() - policy.auditDays * DAY_MS);
  // /report 30d reads a month of episodes and flapping marks, whatever RETENTION_DAYS says.
  const reportCutoff = new Date(
    Math.min(cutoff.getTime(), now.getTime() - REPORT_KEEP_DAYS * DAY_MS),
  );
  const run = async (sql: string, params: unknown[]) =>
    (await pool.query(sql, params)).rowCount ?? 0;
  const oldActions = "SELECT id FROM opsbot.actions WHERE state = ANY($2) AND created_at < $1";
  return {
    seen_updates: await run("DELETE FROM opsbot.seen_updates WHERE expires_at < $1", [now]),
    outbox: await run(
      "DELETE FROM opsbot.outbox WHERE sent_at < $1 OR (sent_at IS NULL AND cancelled_at < $1)",
      [cutoff],
    ),
    conversations: await run("DELETE FROM opsbot.conversations WHERE updated_at < $1", [cutoff]),
    silences: await run("DELETE FROM opsbot.silences WHERE until < $1", [cutoff]),
    am_alerts: await run(
      "DELETE FROM opsbot.am_alerts WHERE status = 'resolved' AND received_at < $1",
      [cutoff],
    ),
    alert_events: await run("DELETE FROM opsbot.alert_events WHERE at < $1", [cutoff]),
    // Their timelines are those events: an incident closed before them goes with them.
    incidents: await run("DELETE FROM opsbot.incidents WHERE closed_at < $1", [cutoff]),
    alert_episodes: await run("DELETE FROM opsbot.alert_episodes WHERE fired_at < $1", [
      reportCutoff,
    ]),
    flap_marks: await run("DELETE FROM opsbot.flap_marks WHERE at < $1", [reportCutoff]),
    report_posts: await run("DELETE FROM opsbot.report_posts WHERE slot_at < $1", [cutoff]),
    audit: await run(`DELETE FROM opsbot.audit WHERE action_id IN (${oldActions})`, [
      auditCutoff,
      FINISHED,
    ]),
    actions: await run(`DELETE FROM opsbot.actions WHERE id IN (${oldActions})`, [
      auditCutoff,
      FINISHED,
    ]),
  };
}

const PRUNE_EVERY_MS = 60 * 60_000;
const REPORT_KEEP_DAYS = 31;

/** Prunes at most once an hour, from the watcher tick (so only the lease holder does it). */
export function createRetention(deps: {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  policy: RetentionPolicy;
}) {
  let lastRun: number | undefined;
  return {
    async pruneIfDue(): Promise<void> {
      const now = deps.clock.now();
      if (lastRun !== undefined && now.getTime() - lastRun < PRUNE_EVERY_MS) return;
      lastRun = now.getTime();
      try {
        const deleted = await pruneOldRows(deps.pool, deps.policy, now);
        deps.logger.info({ deleted }, "old rows pruned");
      } catch (error) {
        deps.logger.warn({ err: error }, "could not prune old rows; will try next hour");
      }
    },
  };
}
