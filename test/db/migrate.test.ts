// migrate(): schema opsbot on a real PostgreSQL, applied once however many replicas start.
import { copyFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

const REAL_DIR = new URL("../../migrations/", import.meta.url);
const REAL_FILES = (await readdir(REAL_DIR)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
const LAST_REAL = REAL_FILES.at(-1) ?? "0000";
/** A migration number that sorts after every real one. */
const after = (n: number) => String(Number(LAST_REAL.slice(0, 4)) + n).padStart(4, "0");

/** Per test: fresh databases and pools, dropped afterwards. */
const opened: { databases: TestDatabase[]; pools: Pool[]; dirs: string[] } = {
  databases: [],
  pools: [],
  dirs: [],
};

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  opened.databases.push(database);
  return database;
}

function poolOn(database: TestDatabase): Pool {
  const pool = createPool({ connectionString: database.connectionString, max: 2 });
  opened.pools.push(pool);
  return pool;
}

/** A migrations folder: copies of the real files plus `extra` (name → SQL). */
async function migrationsDir(extra: Record<string, string>): Promise<URL> {
  const dir = await mkdtemp(join(tmpdir(), "opsbot-migrations-"));
  opened.dirs.push(dir);
  for (const file of REAL_FILES) await copyFile(new URL(file, REAL_DIR), join(dir, file));
  for (const [name, sql] of Object.entries(extra)) await writeFile(join(dir, name), sql);
  return pathToFileURL(`${dir}/`);
}

async function recorded(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    "SELECT name FROM opsbot.migrations ORDER BY name",
  );
  return rows.map((r) => r.name);
}

async function tableExists(pool: Pool, name: string): Promise<boolean> {
  const { rows } = await pool.query<{ found: string | null }>("SELECT to_regclass($1) AS found", [
    name,
  ]);
  return rows[0]?.found != null;
}

afterEach(async () => {
  await Promise.all(opened.pools.splice(0).map((p) => p.end()));
  await Promise.all(opened.databases.splice(0).map((d) => d.drop()));
  await Promise.all(opened.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("migrate() on a fresh database", () => {
  let database: TestDatabase;
  let pool: Pool;
  // One database for the first two tests: the second runs on what the first left.
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool({ connectionString: database.connectionString, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it("creates schema opsbot, its tables, and records every migration", async () => {
    expect(REAL_FILES.length).toBeGreaterThan(0);
    const { applied } = await migrate(pool);

    expect(applied).toEqual(REAL_FILES);
    expect(await recorded(pool)).toEqual(REAL_FILES);
    const schema = await pool.query(
      "SELECT 1 FROM information_schema.schemata WHERE schema_name = 'opsbot'",
    );
    expect(schema.rowCount).toBe(1);
    expect(await tableExists(pool, "opsbot.seen_updates")).toBe(true);
  });

  it("applies nothing when run again", async () => {
    const { applied } = await migrate(pool);
    expect(applied).toEqual([]);
    expect(await recorded(pool)).toEqual(REAL_FILES);
  });
});

describe("migrate() by replicas starting together", () => {
  it("three calls at once on separate pools all succeed and apply each file once", async () => {
    const database = await freshDatabase();
    // Not idempotent on purpose, and slow: a second application would fail loudly.
    const probe = `${after(1)}_race_probe.sql`;
    const dir = await migrationsDir({
      [probe]: "SELECT pg_sleep(0.3); CREATE TABLE opsbot.race_probe (id int);",
    });
    const pools = [poolOn(database), poolOn(database), poolOn(database)];

    const results = await Promise.all(pools.map((p) => migrate(p, dir)));

    const everyApplied = results.flatMap((r) => r.applied).sort();
    expect(everyApplied).toEqual([...REAL_FILES, probe].sort());
    const counts = await pools[0]!.query<{ name: string; n: number }>(
      "SELECT name, count(*)::int AS n FROM opsbot.migrations GROUP BY name ORDER BY name",
    );
    expect(counts.rows).toEqual([...REAL_FILES, probe].sort().map((name) => ({ name, n: 1 })));
  });
});

describe("a failing migration", () => {
  it("rolls back, throws naming the file, and leaves the earlier migrations recorded", async () => {
    const database = await freshDatabase();
    const pool = poolOn(database);
    const bad = `${after(1)}_bad.sql`;
    const later = `${after(2)}_later.sql`;
    const dir = await migrationsDir({
      // The first statement succeeds; the second fails: the whole file must be undone.
      [bad]: "CREATE TABLE opsbot.half_done (id int);\nSELECT * FROM opsbot.no_such_table;",
      [later]: "CREATE TABLE opsbot.later (id int);",
    });

    const error = await migrate(pool, dir).then(
      () => expect.fail("migrate() succeeded"),
      (e: unknown) => e as Error,
    );

    expect(error.message).toContain(bad);
    expect(error.message).toContain("no_such_table");
    expect(await recorded(pool)).toEqual(REAL_FILES);
    expect(await tableExists(pool, "opsbot.seen_updates")).toBe(true);
    expect(await tableExists(pool, "opsbot.half_done")).toBe(false);
    expect(await tableExists(pool, "opsbot.later")).toBe(false);
  });

  it("releases the lock, so once the file is fixed the next run applies the rest", async () => {
    const database = await freshDatabase();
    const bad = `${after(1)}_bad.sql`;
    const broken = await migrationsDir({ [bad]: "SELECT * FROM opsbot.no_such_table;" });
    await expect(migrate(poolOn(database), broken)).rejects.toThrow(bad);

    // Another replica (its own pool and session) must not wait on a lock left behind.
    const fixed = await migrationsDir({
      [bad]: "CREATE TABLE opsbot.fixed (id int);",
      [`${after(2)}_later.sql`]: "CREATE TABLE opsbot.later (id int);",
    });
    const other = poolOn(database);
    const { applied } = await migrate(other, fixed);

    expect(applied).toEqual([bad, `${after(2)}_later.sql`]);
    expect(await tableExists(other, "opsbot.fixed")).toBe(true);
    expect(await tableExists(other, "opsbot.later")).toBe(true);
  });
});
