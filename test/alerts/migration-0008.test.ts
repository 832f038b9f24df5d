// Migration 0008 on a database that already holds silences and alerts: they keep working
// (a silence starts when it was created), and a key may then hold several windows.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOpenAlerts, loadSilences, saveSilences } from "../../src/alerts/alert-store.js";
import { migrate } from "../../src/db/migrate.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

const MIGRATIONS = new URL("../../migrations/", import.meta.url);
const HOUR = 3_600_000;

let database: TestDatabase;
let pool: Pool;
let before: string;
beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ connectionString: database.connectionString, max: 2 });
  before = await mkdtemp(join(tmpdir(), "opsbot-migrations-"));
  for (const file of await readdir(MIGRATIONS)) {
    if (file < "0008") await cp(new URL(file, MIGRATIONS), join(before, file));
  }
});
afterAll(async () => {
  await pool.end();
  await database.drop();
  await rm(before, { recursive: true, force: true });
});

describe("migration 0008", () => {
  it("keeps existing silences (starting when created) and alerts, then allows several windows per key", async () => {
    await migrate(pool, pathToFileURL(`${before}/`));
    const created = new Date("2026-11-30T10:00:00Z");
    const until = new Date(created.getTime() + 48 * HOUR);
    await pool.query(
      "INSERT INTO opsbot.silences (matcher, until, created_by, created_at) VALUES ('job_failed:*', $1, '@olga', $2)",
      [until, created],
    );
    await pool.query(
      `INSERT INTO opsbot.alerts (fingerprint, kind, source, summary, firing_since)
       VALUES ('api_down', 'api_down', 'api', 'API down', $1)`,
      [created],
    );

    expect((await migrate(pool)).applied).toContain("0008_alert_routing.sql");

    const now = new Date(created.getTime() + HOUR);
    expect(await loadSilences(pool, now)).toEqual([
      { matcher: "job_failed:*", startsAt: created, until, createdBy: "@olga" },
    ]);
    expect(await loadOpenAlerts(pool)).toMatchObject([
      { fingerprint: "api_down", resolvedAt: null },
    ]);
    expect((await loadOpenAlerts(pool))[0]).not.toHaveProperty("severity");

    const later = {
      startsAt: new Date(until.getTime() + HOUR),
      until: new Date(until.getTime() + 2 * HOUR),
    };
    await saveSilences(pool, ["job_failed:*"], later, "@omar", now);
    expect((await loadSilences(pool, now)).map((s) => s.startsAt)).toEqual([
      created,
      later.startsAt,
    ]);
  });
});
