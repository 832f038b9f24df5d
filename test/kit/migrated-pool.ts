// A database of the test file's own with opsbot's migrations applied, and a pool on it.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";

const MIGRATIONS = new URL("../../migrations/", import.meta.url);

/**
 * Built before the file's (or describe block's) tests, dropped after them. With `before`
 * ("0015"), only the migrations before that one: a test of it on rows written the old way.
 */
export function useMigratedPool(options: { before?: string } = {}): { readonly pool: Pool } {
  let database: TestDatabase | undefined;
  let pool: Pool | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool({ connectionString: database.connectionString, max: 2 });
    if (options.before === undefined) await migrate(pool);
    else await migrateBefore(pool, options.before);
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });
  return {
    get pool() {
      if (!pool) throw new Error("useMigratedPool: read the pool inside a test or hook");
      return pool;
    },
  };
}

async function migrateBefore(pool: Pool, first: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "opsbot-migrations-"));
  try {
    for (const file of await readdir(MIGRATIONS)) {
      if (file < first) await cp(new URL(file, MIGRATIONS), join(dir, file));
    }
    await migrate(pool, pathToFileURL(`${dir}/`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
