import type { Pool } from "../../db/pool.js";
import { errorMessage, type ComponentCheck } from "../status.js";

export interface PostgresCheck extends ComponentCheck {
  connections?: { used: number; max: number };
}

export async function checkPostgres(pool: Pool): Promise<PostgresCheck> {
  const started = performance.now();
  try {
    const { rows } = await pool.query<{ used: number; max: number }>(
      `SELECT (SELECT count(*)::int FROM pg_stat_activity) AS used,
              current_setting('max_connections')::int AS max`,
    );
    const latencyMs = Math.round(performance.now() - started);
    const row = rows[0];
    return { status: "ok", latencyMs, ...(row ? { connections: row } : {}) };
  } catch (error) {
    return { status: "down", error: errorMessage(error) };
  }
}
