// The LabPics-at-scale generator (bench/labpics-scale.ts) on a small scale: what the checks
// must find is there, and LabPics's constraints and indexes are back after the load.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyShape } from "../../src/console/demo/labpics-fixtures.js";
import { fillLabpicsScale, SCALE_FACTS } from "../../bench/labpics-scale-fixtures.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { checksAt } from "../kit/checks.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

const NOW = new Date("2026-03-02T10:00:00Z");
const SCALE = { projects: 4, workerRuns: 3_000, connectorEvents: 2_000 };

describe("fillLabpicsScale", () => {
  let database: TestDatabase;
  let pool: Pool;
  let constraintsBefore: string[];
  const definitions = async () =>
    (
      await pool.query<{ def: string }>(
        `SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS def
           FROM pg_constraint WHERE conrelid IN ('worker_runs'::regclass, 'connector_events'::regclass)
         UNION ALL
         SELECT pg_get_indexdef(indexrelid) FROM pg_index
          WHERE indrelid IN ('worker_runs'::regclass, 'connector_events'::regclass)
         ORDER BY 1`,
      )
    ).rows.map((r) => r.def);
  const count = async (sql: string) =>
    (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]!.n;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool({ connectionString: database.connectionString, max: 2 });
    await applyShape(pool, "labpics");
    constraintsBefore = await definitions();
    await fillLabpicsScale(pool, NOW, SCALE);
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it("puts LabPics's constraints and indexes back as they were", async () => {
    expect(await definitions()).toEqual(constraintsBefore);
  });

  it("holds every project's 15 jobs, about the runs asked for and exactly the events", async () => {
    expect(await count("projects")).toBe(SCALE.projects);
    expect(await count("scheduled_jobs")).toBe(SCALE.projects * 15);
    expect(await count("connector_sync_state")).toBe(SCALE.projects * 3);
    expect(await count("connector_events")).toBe(SCALE.connectorEvents);
    const runs = await count("worker_runs");
    expect(Math.abs(runs - SCALE.workerRuns)).toBeLessThan(SCALE.workerRuns * 0.05);
    expect(await count("worker_runs WHERE started_at > $now$2026-03-02T10:00:00Z$now$")).toBe(0);
  });

  it("has the stuck workers and processes, failed jobs and connectors the checks look for", async () => {
    const checks = checksAt(pool, NOW);
    expect((await checks.stuckWorkers()).total).toBe(SCALE_FACTS.stuckWorkers);
    expect((await checks.stuckProcesses()).total).toBe(SCALE_FACTS.stuckProcesses);
    const jobs = await checks.jobs();
    expect(jobs.some((j) => j.failed)).toBe(true);
    expect(jobs.some((j) => j.overdue)).toBe(true);
    const connectors = await checks.sync();
    expect(connectors.some((c) => c.failed)).toBe(true);
    expect(connectors.some((c) => c.idle)).toBe(true);
    expect(await count("connector_events WHERE event_type = 'process_failed'")).toBe(
      SCALE.connectorEvents / 20 / SCALE_FACTS.processFailedEvery,
    );
  });
});
