// The runbook queries behind /stuck, /jobs and /sync, on a real PostgreSQL with the
// LabPics reference schema. Rows are placed relative to a fixed `now` passed in, so the
// thresholds are exact and nothing depends on the wall clock.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listJobs } from "../../src/checks/jobs.js";
import { findStuckRuns } from "../../src/checks/stuck.js";
import { listConnectors } from "../../src/checks/sync.js";
import { applyLabpicsSchema } from "../../src/db/labpics-fixtures.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

const NOW = new Date("2025-03-10T09:00:00Z");
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const inFuture = (minutes: number) => ago(-minutes);

let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ connectionString: database.connectionString, max: 2 });
  await applyLabpicsSchema(pool);
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});
beforeEach(async () => {
  await pool.query(
    "TRUNCATE scheduled_jobs, worker_runs, process_runs, connector_sync_state RESTART IDENTITY",
  );
});

async function workerRun(
  jobType: string,
  status: string,
  startedAt: Date,
  finishedAt: Date | null = null,
): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO worker_runs (job_type, status, started_at, finished_at)
     VALUES ($1, $2, $3, $4) RETURNING id`,
    [jobType, status, startedAt, finishedAt],
  );
  return rows[0]!.id;
}

async function processRun(process: string, status: string, startedAt: Date): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO process_runs (process, status, started_at, finished_at)
     VALUES ($1, $2, $3, CASE WHEN $2 = 'running' THEN NULL ELSE $3::timestamptz + interval '1 minute' END)
     RETURNING id`,
    [process, status, startedAt],
  );
  return rows[0]!.id;
}

async function job(
  jobType: string,
  status: "active" | "paused",
  lastStatus: string | null,
  nextRunAt: Date | null,
  lastError: string | null = null,
): Promise<void> {
  await pool.query(
    `INSERT INTO scheduled_jobs (job_type, status, last_status, last_run_at, next_run_at, last_error)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [jobType, status, lastStatus, lastStatus === null ? null : ago(60), nextRunAt, lastError],
  );
}

async function connector(
  name: string,
  lastStatus: string | null,
  syncedAt: Date | null,
  lastError: string | null = null,
): Promise<void> {
  await pool.query(
    `INSERT INTO connector_sync_state (connector, last_status, last_synced_at, last_error)
     VALUES ($1, $2, $3, $4)`,
    [name, lastStatus, syncedAt, lastError],
  );
}

describe("findStuckRuns", () => {
  it("finds a worker run running for 2 h, not one that started 5 min ago", async () => {
    const old = await workerRun("embeddings_refresh", "running", ago(120));
    await workerRun("digest_email", "running", ago(5));

    const stuck = await findStuckRuns(pool, NOW, 30, 50);
    expect(stuck).toEqual({
      runs: [{ kind: "worker", id: old, name: "embeddings_refresh", startedAt: ago(120) }],
      total: 1,
    });
  });

  it("never reports a finished run, however old", async () => {
    await workerRun("invoice_export", "ok", ago(3_000), ago(2_990));
    await workerRun("search_reindex", "failed", ago(600), ago(599));
    await processRun("weekly_report", "ok", ago(5_000));
    await processRun("vacuum_analyze", "failed", ago(5_000));

    expect(await findStuckRuns(pool, NOW, 30, 50)).toEqual({ runs: [], total: 0 });
  });

  it("uses the runbook's strict 'older than': a run started exactly at the threshold is not stuck", async () => {
    await workerRun("connector_sync", "running", ago(30));
    const justOver = await workerRun("connector_sync", "running", new Date(ago(30).getTime() - 1));

    const stuck = await findStuckRuns(pool, NOW, 30, 50);
    expect(stuck.runs.map((r) => r.id)).toEqual([justOver]);
  });

  it("includes process runs, and lists worker and process runs together oldest first", async () => {
    const w1 = await workerRun("analytics_rollup", "running", ago(45));
    const p1 = await processRun("kag_recompute", "running", ago(3 * 24 * 60));
    const w2 = await workerRun("thumbnail_backfill", "running", ago(600));
    const p2 = await processRun("signals_extraction", "running", ago(90));

    const stuck = await findStuckRuns(pool, NOW, 30, 50);
    expect(stuck.runs.map((r) => [r.kind, r.id, r.name])).toEqual([
      ["process", p1, "kag_recompute"],
      ["worker", w2, "thumbnail_backfill"],
      ["process", p2, "signals_extraction"],
      ["worker", w1, "analytics_rollup"],
    ]);
    expect(stuck.total).toBe(4);
  });

  it("returns at most `limit` runs, the oldest, and the total of all stuck ones", async () => {
    for (let i = 0; i < 7; i++) await workerRun(`job_${i}`, "running", ago(100 + i));
    await processRun("kag_recompute", "running", ago(1_000));
    await workerRun("fresh", "running", ago(1));

    const stuck = await findStuckRuns(pool, NOW, 30, 3);
    expect(stuck.total).toBe(8);
    expect(stuck.runs.map((r) => r.name)).toEqual(["kag_recompute", "job_6", "job_5"]);
  });

  it("moves with the threshold it is given", async () => {
    await workerRun("ten_minutes", "running", ago(10));
    await workerRun("three_hours", "running", ago(180 + 1));

    expect((await findStuckRuns(pool, NOW, 5, 50)).total).toBe(2);
    expect((await findStuckRuns(pool, NOW, 180, 50)).runs.map((r) => r.name)).toEqual([
      "three_hours",
    ]);
  });

  it("measures age from the `now` it is given, not the database clock", async () => {
    await workerRun("embeddings_refresh", "running", ago(120));

    const anHourEarlier = new Date(NOW.getTime() - 100 * 60_000);
    expect((await findStuckRuns(pool, anHourEarlier, 30, 50)).total).toBe(0);
  });
});

describe("listJobs", () => {
  it("puts failed jobs first, then overdue ones, then the rest, each group by name", async () => {
    await job("analytics_rollup", "active", "ok", inFuture(30));
    await job("search_reindex", "active", "failed", inFuture(5), "index missing");
    await job("digest_email", "active", "ok", ago(45));
    await job("cleanup_sessions", "active", "ok", ago(11));
    await job("connector_sync", "active", "failed", inFuture(5), "HTTP 401");
    await job("embeddings_refresh", "active", "running", inFuture(1));

    const jobs = await listJobs(pool, NOW, 10);
    expect(jobs.map((j) => [j.jobType, j.failed, j.overdue])).toEqual([
      ["connector_sync", true, false],
      ["search_reindex", true, false],
      ["cleanup_sessions", false, true],
      ["digest_email", false, true],
      ["analytics_rollup", false, false],
      ["embeddings_refresh", false, false],
    ]);
    expect(jobs[0]).toMatchObject({ lastError: "HTTP 401", lastStatus: "failed" });
  });

  it("flags an active job overdue only past JOB_OVERDUE_MINUTES", async () => {
    await job("late_by_5", "active", "ok", ago(5));
    await job("late_by_15", "active", "ok", ago(15));

    const overdue = (await listJobs(pool, NOW, 10)).filter((j) => j.overdue);
    expect(overdue.map((j) => j.jobType)).toEqual(["late_by_15"]);
    const stricter = (await listJobs(pool, NOW, 2)).filter((j) => j.overdue);
    expect(stricter.map((j) => j.jobType)).toEqual(["late_by_15", "late_by_5"]);
  });

  it("never calls a paused job overdue, however old its next_run_at", async () => {
    await job("thumbnail_backfill", "paused", "ok", ago(10 * 24 * 60));
    await job("never_scheduled", "active", null, null);

    const jobs = await listJobs(pool, NOW, 10);
    expect(jobs.map((j) => [j.jobType, j.status, j.failed, j.overdue])).toEqual([
      ["never_scheduled", "active", false, false],
      ["thumbnail_backfill", "paused", false, false],
    ]);
  });

  it("counts a paused job whose last run failed as failed", async () => {
    await job("invoice_export", "paused", "failed", ago(600), "disk full");

    expect(await listJobs(pool, NOW, 10)).toMatchObject([
      { jobType: "invoice_export", failed: true, overdue: false, lastError: "disk full" },
    ]);
  });

  it("returns nothing for an empty scheduler", async () => {
    expect(await listJobs(pool, NOW, 10)).toEqual([]);
  });
});

describe("listConnectors", () => {
  it("puts failed connectors first, then stale ones, then healthy ones", async () => {
    await connector("slack", "ok", ago(5));
    await connector("drive", "ok", ago(3 * 60));
    await connector("gmail", "failed", ago(10), "token expired");
    await connector("notion", null, null);
    await connector("jira", "success", ago(1));

    const connectors = await listConnectors(pool, NOW, 120);
    expect(connectors.map((c) => [c.connector, c.failed, c.stale])).toEqual([
      ["gmail", true, false],
      ["drive", false, true],
      ["notion", false, true],
      ["jira", false, false],
      ["slack", false, false],
    ]);
    expect(connectors[0]).toMatchObject({ lastStatus: "failed", lastError: "token expired" });
  });

  it("treats a connector that never synced (null) as stale, not failed", async () => {
    await connector("notion", null, null);

    expect(await listConnectors(pool, NOW, 120)).toEqual([
      {
        connector: "notion",
        lastStatus: null,
        lastSyncedAt: null,
        lastError: null,
        failed: false,
        stale: true,
      },
    ]);
  });

  it("uses SYNC_STALE_MINUTES as the stale line", async () => {
    await connector("drive", "ok", ago(90));

    expect((await listConnectors(pool, NOW, 120))[0]?.stale).toBe(false);
    expect((await listConnectors(pool, NOW, 60))[0]?.stale).toBe(true);
  });

  it("does not call a running sync failed, and a failed one that is also old is failed first", async () => {
    await connector("drive", "running", ago(1));
    await connector("gmail", "error", ago(600), "quota");

    const connectors = await listConnectors(pool, NOW, 120);
    expect(connectors.map((c) => [c.connector, c.failed, c.stale])).toEqual([
      ["gmail", true, true],
      ["drive", false, false],
    ]);
  });
});
