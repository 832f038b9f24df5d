// Stuck processes through the watermark of migration 0007 (src/checks/listings/process-scan.ts) on a
// real PostgreSQL: what the scan keeps, what it drops, what it reads afresh, and that it
// answers the same as reading every start — on both shapes.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Shape } from "../../../src/checks/schema-shape.js";
import { migrate } from "../../../src/db/migrate.js";
import { createPool, type Pool } from "../../../src/db/pool.js";
import { checksAt } from "../../kit/checks.js";
import { labpicsRows, type LabpicsRows } from "../../kit/labpics-rows.js";
import { createTestDatabase, type TestDatabase } from "../../kit/postgres.js";

const NOW = new Date("2025-03-10T09:00:00Z");
const HOUR = 3_600_000;
const at = (offsetMinutes: number) => new Date(NOW.getTime() + offsetMinutes * 60_000);

interface Setup {
  database: TestDatabase;
  pool: Pool;
  rows: LabpicsRows;
}

async function setUp(shape: Shape, migrated: boolean): Promise<Setup> {
  const database = await createTestDatabase();
  const pool = createPool({ connectionString: database.connectionString, max: 3 });
  if (migrated) await migrate(pool);
  return { database, pool, rows: labpicsRows(pool, shape) };
}

const stuckIds = async (pool: Pool, now: Date, minutes?: number) =>
  (await checksAt(pool, now).stuckProcesses(minutes)).runs.map((r) => r.id);

const openSet = async (pool: Pool) =>
  (
    await pool.query<{ event_id: number }>(
      "SELECT event_id FROM opsbot.open_processes ORDER BY event_id",
    )
  ).rows.map((r) => r.event_id);

describe("stuck processes through the watermark (labpics shape)", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp("labpics", true);
  });
  afterAll(async () => {
    await s.pool.end();
    await s.database.drop();
  });
  beforeEach(async () => {
    await s.rows.reset();
    await s.pool.query(
      "UPDATE opsbot.process_scan SET scanned_before = '-infinity'; TRUNCATE opsbot.open_processes",
    );
  });

  /** Writes the process_finished event of the run `startId` began, `minutes` after it. */
  const finish = (startId: number) =>
    s.pool.query(
      `INSERT INTO connector_events (project_id, account_scope_id, event_type, occurred_at, source,
                                     source_ref, payload_json, dedupe_key)
       SELECT project_id, account_scope_id, 'process_finished', occurred_at + interval '1 hour',
              source, source_ref, payload_json, dedupe_key || ':finished'
         FROM connector_events WHERE id = $1`,
      [startId],
    );

  it("keeps reporting a process that never finished long after the watermark passed its start", async () => {
    const lost = await s.rows.processRun({
      name: "kag_recompute",
      status: "running",
      startedAt: at(-600),
    });
    await s.rows.processRun({ name: "weekly_report", status: "ok", startedAt: at(-600) });
    expect(await stuckIds(s.pool, NOW)).toEqual([lost]);
    // A week of ticks later: the start is far behind the watermark, found in the open set.
    for (const hours of [1, 2, 24, 24 * 7]) {
      expect(await stuckIds(s.pool, at(hours * 60))).toEqual([lost]);
    }
    expect(await openSet(s.pool)).toEqual([lost]);
  });

  it("drops a process from the open set once it finishes", async () => {
    const run = await s.rows.processRun({
      name: "signals",
      status: "running",
      startedAt: at(-600),
    });
    expect(await stuckIds(s.pool, NOW)).toEqual([run]);
    await finish(run);
    expect(await stuckIds(s.pool, at(5))).toEqual([]);
    expect(await openSet(s.pool)).toEqual([]);
  });

  it("drops a start LabPics deleted", async () => {
    const run = await s.rows.processRun({
      name: "signals",
      status: "running",
      startedAt: at(-600),
    });
    expect(await stuckIds(s.pool, NOW)).toEqual([run]);
    await s.pool.query("DELETE FROM connector_events WHERE id = $1", [run]);
    expect(await stuckIds(s.pool, at(5))).toEqual([]);
    expect(await openSet(s.pool)).toEqual([]);
  });

  it("finds starts since the watermark by any /stuck threshold", async () => {
    expect(await stuckIds(s.pool, NOW)).toEqual([]);
    const run = await s.rows.processRun({ name: "digest", status: "running", startedAt: at(10) });
    expect(await stuckIds(s.pool, at(30))).toEqual([]);
    expect(await stuckIds(s.pool, at(50))).toEqual([run]);
    expect(await stuckIds(s.pool, at(50), 60)).toEqual([]);
    expect(await stuckIds(s.pool, at(75), 60)).toEqual([run]);
  });

  it("reads no start older than the watermark less its margin: the bound that keeps it fast", async () => {
    expect(await stuckIds(s.pool, NOW)).toEqual([]);
    // Written after the scan passed it by more than LATE_WRITE_MARGIN (1 h), and after it by
    // less: only the second is seen (docs/labpics.md says why LabPics does not do this).
    await s.rows.processRun({
      name: "late",
      status: "running",
      startedAt: new Date(NOW.getTime() - 2 * HOUR),
    });
    const recent = await s.rows.processRun({
      name: "recent",
      status: "running",
      startedAt: at(-45),
    });
    expect(await stuckIds(s.pool, at(1))).toEqual([recent]);
  });

  it("never moves the watermark past the database's clock (a replica whose clock runs ahead)", async () => {
    const real = Date.now();
    expect(await stuckIds(s.pool, new Date(real + 2 * HOUR))).toEqual([]);
    // Written after that scan, 45 minutes ago by the database's clock.
    const run = await s.rows.processRun({
      name: "signals",
      status: "running",
      startedAt: new Date(real - 45 * 60_000),
    });
    expect(await stuckIds(s.pool, new Date(real))).toEqual([run]);
  });

  it("does not wait for another caller that is advancing the scan, and answers the same", async () => {
    const run = await s.rows.processRun({
      name: "signals",
      status: "running",
      startedAt: at(-600),
    });
    expect(await stuckIds(s.pool, NOW)).toEqual([run]);
    const other = new pg.Client({ connectionString: s.database.connectionString });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT * FROM opsbot.process_scan FOR UPDATE");
      const fresh = await s.rows.processRun({ name: "fresh", status: "running", startedAt: at(5) });
      expect(await stuckIds(s.pool, at(60))).toEqual([run, fresh]);
      await other.query("ROLLBACK");
    } finally {
      await other.end();
    }
  });
});

describe.each<[Shape, boolean]>([
  ["labpics", false],
  ["reference", true],
])("stuck processes on the %s shape, migrated: %s", (shape, migrated) => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp(shape, migrated);
    await s.rows.reset();
  });
  afterAll(async () => {
    await s.pool.end();
    await s.database.drop();
  });

  it("finds the processes started and never finished (from every start, or process_runs)", async () => {
    const stuck = await s.rows.processRun({
      name: "kag_recompute",
      status: "running",
      startedAt: at(-600),
    });
    await s.rows.processRun({ name: "weekly_report", status: "ok", startedAt: at(-600) });
    await s.rows.processRun({ name: "fresh", status: "running", startedAt: at(-5) });
    expect(await stuckIds(s.pool, NOW)).toEqual([stuck]);
    expect(await stuckIds(s.pool, at(24 * 60))).toHaveLength(2);
  });
});
