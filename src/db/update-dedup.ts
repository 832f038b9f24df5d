import type { Redis } from "ioredis";
import type { Pool } from "./pool.js";

/**
 * A set of seen update_ids with a TTL. Never "greater than the last id": Telegram may
 * restart ids at random. claim() is atomic, so two deliveries of one id at once run once.
 */
export interface UpdateDedup {
  /** true when this caller is the first to see the update. */
  claim(updateId: number): Promise<boolean>;
  /** Forget an update so Telegram's redelivery runs it (after an infrastructure failure). */
  release(updateId: number): Promise<void>;
}

// Telegram gives up redelivering a message after about a day.
export const DEDUP_TTL_SECONDS = 24 * 60 * 60;

export function createRedisDedup(redis: Redis, ttlSeconds = DEDUP_TTL_SECONDS): UpdateDedup {
  const key = (id: number) => `opsbot:update:${id}`;
  return {
    async claim(updateId) {
      return (await redis.set(key(updateId), "1", "EX", ttlSeconds, "NX")) === "OK";
    },
    async release(updateId) {
      await redis.del(key(updateId));
    },
  };
}

export function createPgDedup(pool: Pool, ttlSeconds = DEDUP_TTL_SECONDS): UpdateDedup {
  let claims = 0;
  return {
    async claim(updateId) {
      // An expired row counts as unseen: it is taken over in the same statement.
      const { rowCount } = await pool.query(
        `INSERT INTO opsbot.seen_updates (update_id, expires_at)
         VALUES ($1, now() + make_interval(secs => $2))
         ON CONFLICT (update_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
           WHERE opsbot.seen_updates.expires_at < now()`,
        [updateId, ttlSeconds],
      );
      if (++claims % 500 === 0) {
        await pool.query("DELETE FROM opsbot.seen_updates WHERE expires_at < now()");
      }
      return rowCount === 1;
    },
    async release(updateId) {
      await pool.query("DELETE FROM opsbot.seen_updates WHERE update_id = $1", [updateId]);
    },
  };
}

/**
 * Redis and PostgreSQL together: Redis settles concurrent deliveries cheaply, and every
 * claim is also written to PostgreSQL, so a claim made while one store was down is still
 * seen through the other when it comes back. One update, one effect, whichever store is up.
 */
export function createLayeredDedup(fast: UpdateDedup, durable: UpdateDedup): UpdateDedup {
  return {
    async claim(updateId) {
      let fastAnswer: boolean | undefined;
      try {
        fastAnswer = await fast.claim(updateId);
      } catch {
        return durable.claim(updateId);
      }
      if (!fastAnswer) return false;
      // Seen in PostgreSQL while Redis was down: a duplicate all the same.
      return durable.claim(updateId).catch(() => true);
    },
    async release(updateId) {
      await Promise.allSettled([fast.release(updateId), durable.release(updateId)]);
    },
  };
}
