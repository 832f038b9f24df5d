import { readdir, readFile } from "node:fs/promises";
import type { QueryConfig, QueryResult } from "pg";
import type { Pool } from "./pool.js";
import { inTransaction } from "./transaction.js";

const MIGRATIONS_DIR = new URL("../../migrations/", import.meta.url);
// Any constant shared by all replicas: they queue on it instead of racing.
const ADVISORY_LOCK_KEY = 7_146_001;
const MIGRATION_TIMEOUT_MS = 10 * 60_000;

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies migrations/NNNN_name.sql in order, each in its own transaction, under a
 * session advisory lock so replicas starting together apply each file once.
 */
export async function migrate(pool: Pool, dir: URL = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const client = await pool.connect();
  // Migrations (and waiting for another replica's) may take longer than a query may.
  // (pg reads query_timeout per query; its type declarations do not list it.)
  const run = (text: string, values?: unknown[]): Promise<QueryResult> =>
    client.query({ text, values, query_timeout: MIGRATION_TIMEOUT_MS } as QueryConfig);
  const applied: string[] = [];
  try {
    await run("SET statement_timeout = 0");
    await run("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    // Created only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database
    // even when the schema exists, which a least-privilege role (sql/opsbot-role.sql) lacks.
    await run(`DO $$ BEGIN
        IF to_regnamespace('opsbot') IS NULL THEN CREATE SCHEMA opsbot; END IF;
      END $$;
      CREATE TABLE IF NOT EXISTS opsbot.migrations (
        name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = await client.query<{ name: string }>("SELECT name FROM opsbot.migrations");
    const seen = new Set(done.rows.map((r) => r.name));
    for (const file of files) {
      if (seen.has(file)) continue;
      const sql = await readFile(new URL(file, dir), "utf8");
      try {
        // Through run: BEGIN and COMMIT get the migrations' timeout too.
        await inTransaction({ query: run }, async () => {
          await run(sql);
          await run("INSERT INTO opsbot.migrations (name) VALUES ($1)", [file]);
        });
      } catch (error) {
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(file);
    }
  } finally {
    await run("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => undefined);
    await run("RESET statement_timeout").catch(() => undefined);
    client.release();
  }
  return { applied };
}
