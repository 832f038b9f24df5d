import type { PoolClient } from "pg";
import type { Pool } from "./pool.js";

/** What sends BEGIN, COMMIT and ROLLBACK: a client, or a wrapper giving them options. */
interface Session {
  query(text: string): Promise<unknown>;
}

/**
 * Runs `fn` between BEGIN and COMMIT on `client`; on any error, ROLLBACK and rethrow. A
 * failing ROLLBACK (the connection already gone) is ignored: it must not hide the error
 * that caused it.
 */
export async function inTransaction<C extends Session, T>(
  client: C,
  fn: (client: C) => Promise<T>,
): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** `inTransaction` on a client of `pool`, released afterwards whatever happens. */
export async function withTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, fn);
  } finally {
    client.release();
  }
}
