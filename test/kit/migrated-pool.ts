// A database of the test file's own with opsbot's migrations applied, and a pool on it.
import { afterAll, beforeAll } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";

/** Built before the file's (or describe block's) tests, dropped after them. */
export function useMigratedPool(): { readonly pool: Pool } {
  let database: TestDatabase | undefined;
  let pool: Pool | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool({ connectionString: database.connectionString, max: 2 });
    await migrate(pool);
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
