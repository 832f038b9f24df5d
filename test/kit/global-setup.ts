// Vitest's globalSetup for `npm test`: test databases are recycled during the run
// (database-recycling.ts) and the free ones dropped at its end.
import { createPool } from "../../src/db/pool.js";
import { migrate } from "../../src/db/migrate.js";
import {
  describeMigrated,
  dropFreeDatabases,
  RECYCLE_ENV,
  withClient,
} from "./database-recycling.js";
import { adminUrl, createTestDatabase } from "./postgres.js";

export async function setup(): Promise<(() => Promise<void>) | undefined> {
  const admin = await adminUrl();
  // Without a server the tests fall back to embedded PGlite, which has nothing to recycle.
  if (admin === undefined) return undefined;
  // The reference: what opsbot's migrations make of an empty database.
  const database = await createTestDatabase();
  const pool = createPool({ connectionString: database.connectionString, max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  const reference = await withClient(database.connectionString, describeMigrated);
  // Set before the workers start, so each inherits it; the reference is the first free one.
  process.env[RECYCLE_ENV] = JSON.stringify(reference);
  await database.drop();
  return () => dropFreeDatabases(admin);
}
