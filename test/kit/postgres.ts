import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres } from "../../src/db/embedded-postgres.js";

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

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function findAdminUrl(): Promise<{ url: string } | { error: string }> {
  const errors: string[] = [];
  for (const url of candidateUrls()) {
    try {
      await withAdmin(url, (client) => client.query("SELECT 1"));
      return { url };
    } catch (err) {
      errors.push(`${redacted(url)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { error: errors.join("; ") };
}

/**
 * A fresh, empty database for one test file on the real server; drop() removes it.
 * Without a reachable server it falls back to embedded PGlite, except under CI=true,
 * where a missing server must fail the run rather than quietly test something else.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
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
  await withAdmin(admin.url, (client) => client.query(`CREATE DATABASE ${name}`));
  return {
    connectionString: withDatabase(admin.url, name),
    embedded: false,
    drop: async () => {
      // FORCE terminates the test's leftover connections (a pool not ended) first.
      await withAdmin(admin.url, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}
