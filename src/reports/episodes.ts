import type { Pool } from "../db/pool.js";
import { withTransaction } from "../db/transaction.js";

/**
 * Rolls opsbot.alert_events up into opsbot.alert_episodes, in event id order, from where it
 * left off: a fire opens an episode; a page, an ack and a resolution fill in the first of
 * each in their fingerprint's latest episode. Events of the last LAG_MS wait: a transaction
 * that took an id earlier may not have committed yet, and skipping it would lose it.
 * Called by the watcher's tick and before each report; one replica at a time (row lock).
 */
export async function refreshEpisodes(pool: Pool, now: Date): Promise<void> {
  const settledBefore = new Date(now.getTime() - LAG_MS);
  // Nothing new to roll up (the ticks keep it current): one read by id, no transaction.
  const { rows: next } = await pool.query<{ at: Date }>(
    `SELECT at FROM opsbot.alert_events
      WHERE id > (SELECT last_event_id FROM opsbot.alert_episodes_scan WHERE id = 1)
      ORDER BY id LIMIT 1`,
  );
  if (next[0] === undefined || next[0].at > settledBefore) return;
  for (;;) {
    const more = await withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ from_id: string; to_id: string | null; full: boolean }>(
        `WITH scan AS (SELECT last_event_id FROM opsbot.alert_episodes_scan WHERE id = 1 FOR UPDATE),
              batch AS (SELECT id, at FROM opsbot.alert_events
                         WHERE id > (SELECT last_event_id FROM scan) ORDER BY id LIMIT $2)
         SELECT (SELECT last_event_id FROM scan)::text AS from_id,
                -- Up to the first event too recent to be sure of.
                (SELECT max(id) FROM batch
                  WHERE id < coalesce((SELECT min(id) FROM batch WHERE at > $1),
                                      (SELECT max(id) + 1 FROM batch)))::text AS to_id,
                (SELECT count(*) FROM batch) = $2 AND NOT EXISTS (SELECT 1 FROM batch WHERE at > $1) AS full`,
        [settledBefore, BATCH],
      );
      const { from_id: fromId, to_id: toId, full } = rows[0]!;
      if (toId === null) return false;
      await client.query(OPEN_SQL, [fromId, toId]);
      await client.query(FILL_IN_SQL, [fromId, toId]);
      await client.query("UPDATE opsbot.alert_episodes_scan SET last_event_id = $1 WHERE id = 1", [
        toId,
      ]);
      return full;
    });
    if (!more) return;
  }
}

const LAG_MS = 60_000;
const BATCH = 50_000;

const OPEN_SQL = `
INSERT INTO opsbot.alert_episodes (fingerprint, kind, severity, fired_at)
SELECT fingerprint, kind, severity, at FROM opsbot.alert_events
 WHERE id > $1 AND id <= $2 AND event = 'fired'
 ORDER BY id`;

/** After the fires are in: each page, ack and resolution to its episode. */
const FILL_IN_SQL = `
WITH later AS (
  SELECT ep.id,
         min(ev.at) FILTER (WHERE ev.event = 'paged') AS paged_at,
         min(ev.at) FILTER (WHERE ev.event = 'acked') AS acked_at,
         min(ev.at) FILTER (WHERE ev.event = 'resolved') AS resolved_at
    FROM opsbot.alert_events ev
    CROSS JOIN LATERAL (
      SELECT id FROM opsbot.alert_episodes e
       WHERE e.fingerprint = ev.fingerprint AND e.fired_at <= ev.at
       ORDER BY e.fired_at DESC, e.id DESC LIMIT 1) ep
   WHERE ev.id > $1 AND ev.id <= $2 AND ev.event IN ('paged', 'acked', 'resolved')
   GROUP BY ep.id
)
UPDATE opsbot.alert_episodes e
   SET paged_at = coalesce(e.paged_at, later.paged_at),
       acked_at = coalesce(e.acked_at, later.acked_at),
       resolved_at = coalesce(e.resolved_at, later.resolved_at)
  FROM later WHERE e.id = later.id`;
