import type { Pool } from "../../db/pool.js";
import { withTransaction } from "../../db/transaction.js";

/**
 * Process starts written up to this long after they occurred are still found. LabPics writes
 * a process's events as they happen (domains/core/process-log.ts), so one written later than
 * this is not expected; one that is would be missed once its start is older than the margin.
 */
export const LATE_WRITE_MARGIN = "1 hour";

/** `s` (a process_started event) has no process_finished or process_failed event yet. */
export const UNFINISHED = `NOT EXISTS (
  SELECT 1 FROM connector_events e
   WHERE e.project_id = s.project_id AND e.source = s.source AND e.source_ref = s.source_ref
     AND e.event_type IN ('process_finished', 'process_failed'))`;

const UNDEFINED_TABLE = "42P01";

/** True when opsbot's own scan tables are not there (migration 0007 not applied). */
export function isMissingScanTable(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === UNDEFINED_TABLE && typeof message === "string" && message.includes("opsbot.");
}

/**
 * Moves the watermark of process starts up to `now` (migration 0007): adds the starts since
 * the last scan (less LATE_WRITE_MARGIN) that are still open to opsbot.open_processes, and
 * drops the ones that have finished since or are gone (LabPics deleted them). Its cost
 * follows the starts since the last scan and the processes open now, not the history; the
 * first scan reads every start once. A caller that finds another one advancing skips it:
 * the read (findStuckProcesses) is complete at any watermark.
 */
export async function advanceProcessScan(pool: Pool, now: Date): Promise<void> {
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ since: Date }>(
      `SELECT scanned_before - interval '${LATE_WRITE_MARGIN}' AS since
         FROM opsbot.process_scan FOR UPDATE SKIP LOCKED`,
    );
    if (rows.length === 0) return; // another caller is advancing it
    await client.query(
      `INSERT INTO opsbot.open_processes (event_id, occurred_at)
       SELECT s.id, s.occurred_at FROM connector_events s
        WHERE s.event_type = 'process_started' AND s.occurred_at >= $1 AND s.occurred_at < $2
          AND ${UNFINISHED}
       ON CONFLICT (event_id) DO NOTHING`,
      [rows[0]!.since, now],
    );
    // One primary-key probe per open process (LATERAL … LIMIT 1 keeps the planner from
    // hashing every process start instead).
    await client.query(
      `DELETE FROM opsbot.open_processes gone
        USING opsbot.open_processes o
         LEFT JOIN LATERAL (
           SELECT s.id FROM connector_events s
            WHERE s.id = o.event_id AND s.occurred_at = o.occurred_at
              AND s.event_type = 'process_started' AND ${UNFINISHED} LIMIT 1) still ON true
        WHERE gone.event_id = o.event_id AND still.id IS NULL`,
    );
    // Never past the database's own clock: a replica whose clock runs ahead must not move
    // the watermark beyond starts that are still to be written.
    await client.query(
      "UPDATE opsbot.process_scan SET scanned_before = greatest(scanned_before, least($1, now()))",
      [now],
    );
  });
}
