// sql/opsbot-role.sql on a real PostgreSQL: the role it creates reads the LabPics tables
// opsbot watches, owns and migrates its own schema, and can do nothing else.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "../../src/db/pool.js";
import { migrate } from "../../src/db/migrate.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

// Roles belong to the whole server, which other test runs share: this run's is its own.
const ROLE = `opsbot_bot_${randomBytes(4).toString("hex")}`;
const WATCHED = [
  "scheduled_jobs",
  "worker_runs",
  "connector_sync_state",
  "connector_events",
  "projects",
];

// Roles need a real server; the embedded fallback (no server here, never under CI) skips.
const database: TestDatabase = await createTestDatabase();
if (database.embedded) console.warn("[skipped] sql/opsbot-role.sql needs a real PostgreSQL server");
let admin: pg.Client;
let asRole: Pool;

async function runScript(): Promise<void> {
  const script = await readFile(new URL("../../sql/opsbot-role.sql", import.meta.url), "utf8");
  await admin.query(script.replaceAll("opsbot_bot", ROLE));
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: database.connectionString });
  await admin.connect();
  if (database.embedded) return;
  await admin.query(
    [...WATCHED, "auth_sessions"].map((t) => `CREATE TABLE ${t} (id int)`).join(";"),
  );
  await runScript();
  const url = new URL(database.connectionString);
  url.username = ROLE;
  asRole = createPool({ connectionString: url.toString(), max: 2 });
});
afterAll(async () => {
  await asRole?.end();
  await admin.end();
  await database.drop();
  if (!database.embedded) {
    const url = new URL(database.connectionString);
    url.pathname = "/postgres";
    const server = new pg.Client({ connectionString: url.toString() });
    await server.connect();
    await server.query(`DROP ROLE IF EXISTS ${ROLE}`);
    await server.end();
  }
});

const denied = (sql: string) => expect(asRole.query(sql)).rejects.toMatchObject({ code: "42501" });

describe.skipIf(database.embedded)("sql/opsbot-role.sql", () => {
  it("lets the role apply opsbot's migrations in its own schema, which it owns", async () => {
    const { applied } = await migrate(asRole);
    expect(applied.length).toBeGreaterThan(0);
    const owner = await admin.query<{ owner: string }>(
      "SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = 'opsbot'",
    );
    expect(owner.rows[0]?.owner).toBe(ROLE);
    // And again: an existing schema is no obstacle.
    expect((await migrate(asRole)).applied).toEqual([]);
  });

  it("lets it read every watched LabPics table", async () => {
    for (const table of WATCHED)
      await expect(asRole.query(`SELECT * FROM ${table}`)).resolves.toBeDefined();
  });

  it("grants process_runs where it exists: after LabPics adds it, running the script again", async () => {
    await admin.query("CREATE TABLE process_runs (id int)");
    await denied("SELECT * FROM process_runs");
    await runScript();
    await expect(asRole.query("SELECT * FROM process_runs")).resolves.toBeDefined();
  });

  it("denies writing a LabPics table, reading any other, and creating objects outside its schema", async () => {
    await denied("INSERT INTO scheduled_jobs VALUES (1)");
    await denied("UPDATE projects SET id = 2");
    await denied("DELETE FROM worker_runs");
    await denied("TRUNCATE connector_events");
    await denied("SELECT * FROM auth_sessions");
    await denied("CREATE TABLE public.opsbot_was_here (id int)");
    await denied("CREATE SCHEMA elsewhere");
  });
});
