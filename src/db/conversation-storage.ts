import type { VersionedState, VersionedStateStorage } from "@grammyjs/conversations";
import type { Pool } from "./pool.js";

/**
 * Conversation state in PostgreSQL, so a dialogue survives a restart and any replica
 * can continue it.
 */
export function createConversationStorage<S>(pool: Pool): VersionedStateStorage<string, S> {
  return {
    async read(key) {
      const { rows } = await pool.query<{ value: VersionedState<S> }>(
        "SELECT value FROM opsbot.conversations WHERE key = $1",
        [key],
      );
      return rows[0]?.value;
    },
    async write(key, state) {
      await pool.query(
        `INSERT INTO opsbot.conversations (key, value, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [key, JSON.stringify(state)],
      );
    },
    async delete(key) {
      await pool.query("DELETE FROM opsbot.conversations WHERE key = $1", [key]);
    },
  };
}
