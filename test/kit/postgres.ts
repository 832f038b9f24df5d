import { randomBytes } from "node:crypto";
import { startEmbeddedPostgres } from "../../src/db/embedded-postgres.js";
import {
  claimFreeDatabase,
  recyclingReference,
  releaseDatabase,
  withClient,
} from "./database-recycling.js";

export interface TestDatabase {
  connectionString: string;
  /** True when it runs on embedded PGlite: give pools `max: 1` and expect no statement_timeout. */
  embedded: boolean;
  drop(): Promise<void>;
}

const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test";

let noticeShown = false;

function candidateUrls(): string[] {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv !== undefined && fromEnv !== "") return [fromEnv];
  // Local servers often have only the OS user's role, not "postgres".
  return [DEFAULT_URL, DEFAULT_URL.replace("postgres@", "root@")];
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function redacted(url: string): string {
  const u = new URL(url);
  if (u.password !== "") u.password = "***";
  return u.toString();
}

// Found once per test worker: probing the server for every database cost a connection each.
let reachable: { url: string } | undefined;

async function findAdminUrl(): Promise<{ url: string } | { error: string }> {
  if (reachable) return reachable;
  const errors: string[] = [];
  for (const url of candidateUrls()) {
    try {
      await withClient(url, (client) => client.query("SELECT 1"));
      return (reachable = { url });
    } catch (err) {
      errors.push(`${redacted(url)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { error: errors.join("; ") };
}

/**
 * A fresh database for one test file on the real server, empty (or, if `migrated`, maybe
 * with opsbot's schema already migrated and its tables empty); drop() removes it.
 * Without a reachable server it falls back to embedded PGlite, except under CI=true,
 * where a missing server must fail the run rather than quietly test something else.
 *
 * Under `npm test` (test/kit/global-setup.ts) drop() empties the database and hands it
 * back for the next one (database-recycling.ts): CREATE DATABASE costs most of a second.
 */
export async function createTestDatabase(
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const admin = await findAdminUrl();
  if ("error" in admin) {
    if (process.env.CI === "true") {
      throw new Error(`PostgreSQL is required under CI=true: ${admin.error}`);
    }
    if (!noticeShown) {
      noticeShown = true;
      console.warn(`[test-kit] PostgreSQL not reachable at ${admin.error}; using embedded PGlite`);
    }
    const embedded = await startEmbeddedPostgres();
    return {
      connectionString: embedded.connectionString,
      embedded: true,
      drop: () => embedded.close(),
    };
  }

  const name = `opsbot_t_${randomBytes(6).toString("hex")}`;
  const connectionString = withDatabase(admin.url, name);
  const reference = recyclingReference();
  const claimed =
    reference !== undefined &&
    (await claimFreeDatabase(admin.url, connectionString, {
      reference,
      migrated: options.migrated ?? false,
    }));
  if (!claimed) {
    await withClient(admin.url, async (client) => {
      await client.query(`CREATE DATABASE ${name}`);
      // A commit need not wait for the WAL to reach the disk (~3 ms each here, more on a
      // busy disk): a crash of the server would lose the last ones, which no test survives
      // anyway. Kept when the database is recycled (renamed) and by every connection to it.
      await client.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
    });
  }
  return {
    connectionString,
    embedded: false,
    drop: async () => {
      if (reference !== undefined) {
        const released = await releaseDatabase(admin.url, connectionString, reference).catch(
          () => false,
        );
        if (released) return;
      }
      // FORCE terminates the test's leftover connections (a pool not ended) first.
      await withClient(admin.url, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}

/** The server's admin URL (its `test` database), or undefined without a server. */
export async function adminUrl(): Promise<string | undefined> {
  const admin = await findAdminUrl();
  return "url" in admin ? admin.url : undefined;
}
