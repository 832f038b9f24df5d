import type { Pool } from "../db/pool.js";

/**
 * Ticks across replicas: a lease (in database time, so skewed clocks agree) keeps two
 * ticks from overlapping, and a unique tick key makes each scheduled tick run once.
 */
/** The alerts generation when the lease was taken; undefined when another replica holds it. */
export async function acquireLease(
  pool: Pool,
  holder: string,
  ttlMs: number,
): Promise<number | undefined> {
  const { rows } = await pool.query<{ generation: number }>(
    `UPDATE opsbot.watcher_lease SET holder = $1, expires_at = now() + make_interval(secs => $2)
      WHERE id = 1 AND (expires_at < now() OR holder = $1)
      RETURNING generation`,
    [holder, ttlMs / 1000],
  );
  return rows[0]?.generation;
}

/** After a tick changed opsbot.alerts: every cached copy is stale. */
export async function bumpGeneration(pool: Pool): Promise<void> {
  await pool.query("UPDATE opsbot.watcher_lease SET generation = generation + 1 WHERE id = 1");
}

export async function releaseLease(pool: Pool, holder: string): Promise<void> {
  await pool.query(
    "UPDATE opsbot.watcher_lease SET holder = NULL, expires_at = '-infinity' WHERE id = 1 AND holder = $1",
    [holder],
  );
}

export async function claimTick(pool: Pool, tickKey: string, owner: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    "INSERT INTO opsbot.watcher_ticks (tick_key, owner) VALUES ($1, $2) ON CONFLICT (tick_key) DO NOTHING",
    [tickKey, owner],
  );
  return rowCount === 1;
}

export async function finishTick(pool: Pool, tickKey: string): Promise<void> {
  await pool.query("UPDATE opsbot.watcher_ticks SET finished_at = now() WHERE tick_key = $1", [
    tickKey,
  ]);
}

/**
 * Old ticks, delivered messages and long-resolved alerts are only history. Ticks and dedup
 * claims carry database time; messages, episodes and silences the injected clock's.
 */
export async function housekeeping(pool: Pool, now: Date): Promise<void> {
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
  await pool.query("DELETE FROM opsbot.watcher_ticks WHERE started_at < now() - interval '1 day'");
  await pool.query(
    "DELETE FROM opsbot.outbox WHERE (sent_at IS NOT NULL OR cancelled_at IS NOT NULL) AND created_at < $1",
    [weekAgo],
  );
  await pool.query("DELETE FROM opsbot.alerts WHERE resolved_at < $1", [weekAgo]);
  await pool.query("DELETE FROM opsbot.silences WHERE until < $1", [weekAgo]);
  await pool.query("DELETE FROM opsbot.seen_updates WHERE expires_at < now()");
}

/** When any replica last finished a tick: the fleet's watcher, not this process's. */
export async function lastFinishedTick(pool: Pool): Promise<Date | null> {
  const { rows } = await pool.query<{ at: Date | null }>(
    "SELECT max(finished_at) AS at FROM opsbot.watcher_ticks",
  );
  return rows[0]?.at ?? null;
}
