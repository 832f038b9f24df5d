import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyRecommendedIndexes,
  applyShape,
  fillLargeTables,
  loadReferenceDemoData,
} from "../../src/console/demo/labpics-fixtures.js";
import {
  DEMO_PROJECTS,
  LABPICS_JOB_CADENCES,
  loadLabpicsDemoData,
} from "../../src/console/demo/labpics-shape-demo.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { checksAt } from "../kit/checks.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

const NOW = new Date("2026-03-02T10:00:00Z");

describe("LabPics fixtures", () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  const count = async (sql: string, values: unknown[] = []): Promise<number> => {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${sql}`,
      values,
    );
    return rows[0]?.n ?? Number.NaN;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.connectionString, max: 1 });
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it("applies schema and indexes twice without error", async () => {
    for (let i = 0; i < 2; i++) {
      await applyShape(pool, "reference");
      await applyRecommendedIndexes(pool);
    }
    const tables = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      "connector_sync_state",
      "process_runs",
      "scheduled_jobs",
      "worker_runs",
    ]);
    const indexes = await pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE indexname LIKE '%running_started_at_idx' ORDER BY 1`,
    );
    expect(indexes.rows.map((r) => r.indexname)).toEqual([
      "process_runs_running_started_at_idx",
      "worker_runs_running_started_at_idx",
    ]);
  });

  it("rejects a status outside the documented values", async () => {
    await expect(
      pool.query(`INSERT INTO worker_runs (job_type, status) VALUES ('x', 'done')`),
    ).rejects.toMatchObject({ code: "23514" });
    await expect(
      pool.query(`INSERT INTO scheduled_jobs (job_type, status) VALUES ('x', 'running')`),
    ).rejects.toMatchObject({ code: "23514" });
  });

  describe("demo data", () => {
    beforeAll(async () => {
      await loadReferenceDemoData(pool, NOW);
      // Loading twice must replace, not add.
      await loadReferenceDemoData(pool, NOW);
    });

    it("has exactly one worker stuck by the runbook's definition, and one recent running one", async () => {
      const stuck = await pool.query<{ job_type: string; minutes: number }>(
        `SELECT job_type, extract(epoch FROM $1::timestamptz - started_at)::int / 60 AS minutes
           FROM worker_runs WHERE status = 'running' AND started_at < $1::timestamptz - interval '30 minutes'`,
        [NOW],
      );
      expect(stuck.rows).toEqual([{ job_type: "embeddings_refresh", minutes: 47 }]);
      expect(await count(`worker_runs WHERE status = 'running'`)).toBe(2);
    });

    it("has a day of finished worker runs, some failed", async () => {
      expect(await count(`worker_runs WHERE status = 'ok'`)).toBeGreaterThan(24);
      expect(
        await count(`worker_runs WHERE status = 'failed' AND error IS NOT NULL`),
      ).toBeGreaterThanOrEqual(3);
      expect(await count(`worker_runs WHERE started_at > $1::timestamptz`, [NOW])).toBe(0);
      expect(await count(`worker_runs WHERE status <> 'running' AND finished_at IS NULL`)).toBe(0);
    });

    it("has eight jobs: one failed with its error, one overdue, one paused", async () => {
      expect(await count("scheduled_jobs")).toBe(8);
      const failed = await pool.query<{ job_type: string; last_error: string }>(
        `SELECT job_type, last_error FROM scheduled_jobs WHERE last_status = 'failed'`,
      );
      expect(failed.rows.map((r) => r.job_type)).toEqual(["connector_sync"]);
      expect(failed.rows[0]?.last_error).toContain("401 Unauthorized");
      const overdue = await pool.query(
        `SELECT job_type FROM scheduled_jobs
          WHERE status = 'active' AND next_run_at < $1::timestamptz - interval '10 minutes'`,
        [NOW],
      );
      expect(overdue.rows).toEqual([{ job_type: "analytics_rollup" }]);
      expect(await count(`scheduled_jobs WHERE status = 'paused'`)).toBe(1);
    });

    it("has one stuck process run of two hours", async () => {
      const stuck = await pool.query(
        `SELECT process FROM process_runs
          WHERE status = 'running' AND started_at = $1::timestamptz - interval '2 hours'`,
        [NOW],
      );
      expect(stuck.rows).toEqual([{ process: "kag_recompute" }]);
      expect(await count(`process_runs WHERE status = 'running'`)).toBe(1);
    });

    it("has four connectors: one failed, one stale", async () => {
      const rows = await pool.query<{ connector: string; last_status: string; stale: boolean }>(
        `SELECT connector, last_status, last_synced_at < $1::timestamptz - interval '120 minutes' AS stale
           FROM connector_sync_state ORDER BY connector`,
        [NOW],
      );
      expect(rows.rows).toHaveLength(4);
      expect(rows.rows.filter((r) => r.last_status === "failed").map((r) => r.connector)).toEqual([
        "notion",
      ]);
      expect(rows.rows.filter((r) => r.stale).map((r) => r.connector)).toEqual(["slack"]);
    });
  });

  describe("large tables", () => {
    it("fills exactly the requested counts", async () => {
      await loadReferenceDemoData(pool, NOW);
      await fillLargeTables(pool, NOW, {
        workerRuns: 2000,
        running: 40,
        stuck: 7,
        processRuns: 120,
      });

      expect(await count("worker_runs")).toBe(2000);
      expect(await count(`worker_runs WHERE status = 'running'`)).toBe(40);
      expect(
        await count(
          `worker_runs WHERE status = 'running' AND started_at < $1::timestamptz - interval '30 minutes'`,
          [NOW],
        ),
      ).toBe(7);
      expect(await count("scheduled_jobs")).toBe(50);
      expect(await count("process_runs")).toBe(120);
      expect(await count(`process_runs WHERE status = 'running'`)).toBe(1);
      // The demo's connectors are gone: the tables are replaced, not appended to.
      expect(await count("connector_sync_state")).toBe(0);
    });

    it("refuses more stuck runs than running ones", async () => {
      await expect(
        fillLargeTables(pool, NOW, { workerRuns: 10, running: 2, stuck: 3 }),
      ).rejects.toThrow(RangeError);
    });
  });
});

describe("the console demo in the labpics shape", () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool({ connectionString: database.connectionString, max: 2 });
    await applyShape(pool, "labpics");
    await loadLabpicsDemoData(pool, NOW);
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it("shows every case it promises: stuck worker and process, suspended job, failed, idle and mock connector", async () => {
    const checks = checksAt(pool, NOW);
    const jobs = await checks.jobs();
    expect(jobs).toHaveLength(DEMO_PROJECTS.length * Object.keys(LABPICS_JOB_CADENCES).length);
    expect(jobs.filter((j) => j.suspended).map((j) => [j.project, j.jobType])).toEqual([
      ["Northwind Clinic", "signals_extraction"],
    ]);
    expect(jobs.filter((j) => j.failed).map((j) => j.project)).toEqual(["Globex Retail"]);
    expect(jobs.filter((j) => j.overdue).map((j) => j.jobType)).toEqual(["analytics_aggregates"]);

    const stuck = await checks.stuck();
    expect(stuck.runs.map((r) => [r.kind, r.name, r.project])).toEqual([
      ["process", "kag_recompute", "Acme Studio"],
      ["worker", "embeddings_run", "Acme Studio"],
    ]);
    expect(stuck.failedProcesses?.failed[0]?.error).toContain("out of memory");

    const connectors = await checks.sync();
    expect(connectors.filter((c) => c.failed).map((c) => c.connector)).toEqual(["linear"]);
    expect(connectors.filter((c) => c.idle).map((c) => [c.project, c.connector])).toEqual([
      ["Globex Retail", "attio"],
    ]);
    expect(connectors.filter((c) => c.mock).map((c) => [c.project, c.connector])).toEqual([
      ["Northwind Clinic", "attio"],
    ]);
    // The scheduler runs in the demo: recent worker runs, so no stall.
    expect((await checks.scheduler()).stalled).toBe(false);
  });
});
