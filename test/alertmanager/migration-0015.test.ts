// Migration 0015 on a database holding an Alertmanager alert frozen by a far-future
// startsAt: after it, the alert's next notification is stored again.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFiringAlerts, storeAlerts } from "../../src/alertmanager/am-store.js";
import type { ReceivedAlert } from "../../src/alertmanager/payload.js";
import { migrate } from "../../src/db/migrate.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

const MIGRATIONS = new URL("../../migrations/", import.meta.url);
const NOW = new Date("2026-12-01T06:00:00Z");

let database: TestDatabase;
let pool: Pool;
let before: string;
beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ connectionString: database.connectionString, max: 2 });
  before = await mkdtemp(join(tmpdir(), "opsbot-migrations-"));
  for (const file of await readdir(MIGRATIONS)) {
    if (file < "0015") await cp(new URL(file, MIGRATIONS), join(before, file));
  }
});
afterAll(async () => {
  await pool.end();
  await database.drop();
  await rm(before, { recursive: true, force: true });
});

const alert = (status: ReceivedAlert["status"], startsAt: string): ReceivedAlert => ({
  fingerprint: "am:DiskFull:01",
  status,
  severity: "warning",
  summary: "disk full",
  labels: { alertname: "DiskFull" },
  annotations: {},
  startsAt: new Date(startsAt),
  endsAt: null,
  generatorUrl: null,
});

describe("migration 0015", () => {
  it("unfreezes an alert stored with a far-future startsAt; a sane one is left alone", async () => {
    await migrate(pool, pathToFileURL(`${before}/`));
    await storeAlerts(pool, [alert("firing", "2999-01-01T00:00:00Z")], NOW);
    // Frozen: its resolution, with the real startsAt, is older and changes nothing.
    await storeAlerts(pool, [alert("resolved", "2026-12-01T05:00:00Z")], NOW);
    expect(await loadFiringAlerts(pool)).toHaveLength(1);

    await migrate(pool, MIGRATIONS);
    await storeAlerts(pool, [alert("resolved", "2026-12-01T05:00:00Z")], NOW);
    expect(await loadFiringAlerts(pool)).toEqual([]);
    const { rows } = await pool.query<{ starts_at: Date }>(
      "SELECT starts_at FROM opsbot.am_alerts",
    );
    expect(rows[0]!.starts_at).toEqual(new Date("2026-12-01T05:00:00Z"));
  });
});
