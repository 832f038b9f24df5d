// The runbook queries behind /stuck, /jobs, /sync and the scheduler check, on a real
// PostgreSQL, on both shapes of the LabPics tables (the same facts written in each).
// Rows are placed relative to a fixed clock, so the thresholds are exact.
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import type { Checks } from "../../src/checks/create-checks.js";
import { SchemaMismatchError, type Shape } from "../../src/checks/schema-shape.js";
import { migrate } from "../../src/db/migrate.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { checksAt } from "../kit/checks.js";
import { labpicsRows, PROJECTS, type LabpicsRows } from "../kit/labpics-rows.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

const NOW = new Date("2025-03-10T09:00:00Z");
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const inFuture = (minutes: number) => ago(-minutes);

const checksOn = (pool: Pool, projectIds: string[] = []) => checksAt(pool, NOW, projectIds);

describe.each<Shape>(["labpics", "reference"])("checks on the %s shape", (shape) => {
  let database: TestDatabase;
  let pool: Pool;
  let rows: LabpicsRows;
  let checks: Checks;
  const labpics = shape === "labpics";

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool({ connectionString: database.connectionString, max: 2 });
    rows = labpicsRows(pool, shape);
    await migrate(pool);
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });
  beforeEach(async () => {
    await rows.reset();
    // Each test writes its history afresh at the same "now": scan it from the start.
    await pool.query(
      "UPDATE opsbot.process_scan SET scanned_before = '-infinity'; TRUNCATE opsbot.open_processes",
    );
    checks = checksOn(pool);
  });

  it("detects the shape of every table", async () => {
    const schema = await checks.schema();
    expect(schema.mismatches).toEqual([]);
    expect(schema.shape).toBe(
      labpics
        ? "labpics, process runs from connector_events"
        : "reference, process runs from process_runs",
    );
  });

  describe("stuck", () => {
    it("finds a worker run running for 2 h, not one that started 5 min ago or finished", async () => {
      const old = await rows.workerRun({
        jobType: "embeddings_run",
        status: "running",
        startedAt: ago(120),
      });
      await rows.workerRun({ jobType: "daily_digest", status: "running", startedAt: ago(5) });
      await rows.workerRun({ jobType: "health_scoring", status: "ok", startedAt: ago(3_000) });

      const stuck = await checks.stuck();
      expect(stuck.runs).toEqual([
        {
          kind: "worker",
          id: old,
          name: "embeddings_run",
          projectId: labpics ? PROJECTS.acme.id : null,
          project: labpics ? "Acme" : null,
          startedAt: ago(120),
        },
      ]);
      expect(stuck.total).toBe(1);
    });

    it("uses the runbook's strict 'older than'", async () => {
      await rows.workerRun({ jobType: "a", status: "running", startedAt: ago(30) });
      const over = await rows.workerRun({
        jobType: "b",
        status: "running",
        startedAt: new Date(ago(30).getTime() - 1000),
      });
      expect((await checks.stuck()).runs.map((r) => r.id)).toEqual([over]);
    });

    it("finds processes started and never finished, lists them with workers oldest first", async () => {
      const w = await rows.workerRun({
        jobType: "upsell_radar",
        status: "running",
        startedAt: ago(45),
      });
      const p = await rows.processRun({
        name: "kag_recompute",
        status: "running",
        startedAt: ago(600),
      });
      await rows.processRun({ name: "snapshot_build", status: "ok", startedAt: ago(900) });
      await rows.processRun({ name: "report_render", status: "failed", startedAt: ago(900) });
      await rows.processRun({ name: "fresh", status: "running", startedAt: ago(3) });

      const stuck = await checks.stuck();
      expect(stuck.runs.map((r) => [r.kind, r.id, r.name])).toEqual([
        ["process", p, "kag_recompute"],
        ["worker", w, "upsell_radar"],
      ]);
      expect(stuck.total).toBe(2);
    });

    it("returns at most `limit` runs, the oldest, and the total of all stuck ones", async () => {
      for (let i = 0; i < 7; i++) {
        await rows.workerRun({ jobType: `job_${i}`, status: "running", startedAt: ago(100 + i) });
      }
      await rows.processRun({ name: "kag_recompute", status: "running", startedAt: ago(1_000) });

      const stuck = await checks.stuck(30, 3);
      expect(stuck.total).toBe(8);
      expect(stuck.runs.map((r) => r.name)).toEqual(["kag_recompute", "job_6", "job_5"]);
    });

    it("shows the processes that failed in the last day with their error", async () => {
      await rows.processRun({
        name: "report_render",
        status: "failed",
        startedAt: ago(120),
        error: "chromium exited with code 1",
      });
      await rows.processRun({ name: "old", status: "failed", startedAt: ago(3_000), error: "x" });

      const { failedProcesses } = await checks.stuck();
      expect(failedProcesses?.total).toBe(1);
      expect(failedProcesses?.failed[0]).toMatchObject({
        name: "report_render",
        error: "chromium exited with code 1",
        project: labpics ? "Acme" : null,
      });
    });

    it("still lists stuck workers when process runs cannot be read", async () => {
      await rows.workerRun({ jobType: "embeddings_run", status: "running", startedAt: ago(120) });
      await pool.query(labpics ? "DROP TABLE connector_events" : "DROP TABLE process_runs");
      checks = checksOn(pool);

      const stuck = await checks.stuck();
      expect(stuck.runs.map((r) => r.name)).toEqual(["embeddings_run"]);
      // Without process_runs the bot looks for connector_events, which is not there either.
      expect(stuck.processesError).toBe("schema mismatch: connector_events");
      expect((await checks.schema()).mismatches).toEqual(["connector_events"]);
      await expect(checks.stuckProcesses()).rejects.toBeInstanceOf(SchemaMismatchError);
      // Only the checks that need it are affected.
      await expect(checks.jobs()).resolves.toEqual([]);
    });
  });

  describe("jobs", () => {
    it("puts failed jobs first, then overdue ones; a paused job is never overdue", async () => {
      await rows.job({
        jobType: "analytics_aggregates",
        lastStatus: "ok",
        nextRunAt: inFuture(30),
      });
      await rows.job({
        jobType: "connectors_sync_cycle",
        lastStatus: "failed",
        nextRunAt: inFuture(5),
        lastError: "HTTP 401",
      });
      await rows.job({ jobType: "daily_digest", lastStatus: "ok", nextRunAt: ago(45) });
      await rows.job({ jobType: "late_by_5", lastStatus: "ok", nextRunAt: ago(5) });
      await rows.job({
        jobType: "weekly_digest",
        status: "paused",
        lastStatus: "ok",
        nextRunAt: ago(10_000),
      });

      const jobs = await checks.jobs();
      expect(jobs.map((j) => [j.jobType, j.failed, j.overdue])).toEqual([
        ["connectors_sync_cycle", true, false],
        ["daily_digest", false, true],
        ["analytics_aggregates", false, false],
        ["late_by_5", false, false],
        ["weekly_digest", false, false],
      ]);
      expect(jobs[0]).toMatchObject({ lastError: "HTTP 401", project: labpics ? "Acme" : null });
    });

    it("flags the scheduler's suspended and long-running jobs (labpics statuses)", async () => {
      if (!labpics) return; // the reference shape's CHECK allows active/paused only
      await rows.job({
        jobType: "signals_extraction",
        status: "suspended",
        lastStatus: "failed",
        nextRunAt: ago(100),
        lastError: "10 failures",
      });
      await rows.job({
        jobType: "embeddings_run",
        status: "running",
        lastStatus: "ok",
        nextRunAt: ago(50),
        startedAt: ago(45),
      });
      await rows.job({
        jobType: "health_scoring",
        status: "running",
        lastStatus: "ok",
        nextRunAt: ago(50),
        startedAt: ago(5),
      });

      const jobs = await checks.jobs();
      expect(jobs.map((j) => [j.jobType, j.suspended, j.failed, j.stuck, j.overdue])).toEqual([
        ["signals_extraction", true, false, false, false],
        ["embeddings_run", false, false, true, false],
        ["health_scoring", false, false, false, false],
      ]);
    });
  });

  describe("sync", () => {
    it("reads failed, stale and healthy connectors with staleness from the last success", async () => {
      await rows.connector({ connector: "chatwoot", status: "ok", syncedAt: ago(5) });
      await rows.connector({
        connector: "linear",
        status: "failed",
        syncedAt: ago(10),
        lastError: "token expired",
      });
      await rows.connector({ connector: "attio", status: "ok", syncedAt: ago(180) });

      const connectors = await checks.sync();
      expect(connectors.map((c) => [c.connector, c.failed, c.stale])).toEqual([
        ["linear", true, false],
        ["attio", false, true],
        ["chatwoot", false, false],
      ]);
      expect(connectors[0]).toMatchObject({
        lastError: "token expired",
        project: labpics ? "Acme" : null,
      });
    });

    it("does not call a failed connector stale too, even one that never synced", async () => {
      await rows.connector({ connector: "linear", status: "failed", syncedAt: null });
      await rows.connector({ connector: "attio", status: "failed", syncedAt: ago(600) });
      const connectors = await checks.sync();
      const flags = connectors.map((c) => [c.connector, c.failed, c.stale]);
      expect(flags.sort()).toEqual([
        ["attio", true, false],
        ["linear", true, false],
      ]);
    });

    it("shows idle as never synced (not failed, not stale), partial, and a stuck running sync", async () => {
      if (!labpics) return; // statuses of the labpics shape
      await rows.connector({ connector: "attio", status: "idle", syncedAt: null, attemptAt: null });
      await rows.connector({
        connector: "linear",
        status: "partial",
        syncedAt: ago(5),
        lastError: "3 pages failed",
      });
      await rows.connector({
        connector: "chatwoot",
        status: "running",
        syncedAt: ago(20),
        attemptAt: ago(45),
      });
      await rows.connector({
        connector: "attio",
        status: "running",
        syncedAt: ago(20),
        attemptAt: ago(5),
        project: "globex",
      });

      const connectors = await checks.sync();
      expect(
        connectors.map((c) => [
          c.project,
          c.connector,
          c.failed,
          c.partial,
          c.stuck,
          c.idle,
          c.stale,
        ]),
      ).toEqual([
        ["Acme", "chatwoot", false, false, true, false, false],
        ["Acme", "linear", false, true, false, false, false],
        ["Acme", "attio", false, false, false, true, false],
        ["Globex", "attio", false, false, false, false, false],
      ]);
    });
  });

  describe("scheduler", () => {
    it("is stalled when active jobs are overdue and no worker run started in the window", async () => {
      await rows.job({ jobType: "connectors_sync_cycle", lastStatus: "ok", nextRunAt: ago(30) });
      await rows.workerRun({ jobType: "connectors_sync_cycle", status: "ok", startedAt: ago(45) });
      expect(await checks.scheduler()).toEqual({
        overdueJobs: 1,
        lastRunStartedAt: ago(45),
        stalled: true,
      });

      await rows.workerRun({ jobType: "daily_digest", status: "ok", startedAt: ago(2) });
      expect((await checks.scheduler()).stalled).toBe(false);
    });

    it("says why it stalled when the newest worker run failed", async () => {
      await rows.job({ jobType: "embeddings_run", lastStatus: "failed", nextRunAt: ago(30) });
      await rows.workerRun({ jobType: "daily_digest", status: "ok", startedAt: ago(60) });
      await rows.workerRun({ jobType: "embeddings_run", status: "failed", startedAt: ago(45) });
      await pool.query("UPDATE worker_runs SET error = 'openai: 401' WHERE status = 'failed'");
      const state = await checks.scheduler();
      expect(state.stalled).toBe(true);
      expect(state.cause).toBe(
        `the newest worker run (embeddings_run${labpics ? " [Acme]" : ""}) failed: openai: 401`,
      );
    });

    if (labpics) {
      it("names the column LabPics's scheduler writes when it is missing", async () => {
        await rows.job({ jobType: "embeddings_run", lastStatus: null, nextRunAt: ago(30) });
        await pool.query("ALTER TABLE scheduled_jobs DROP COLUMN started_at");
        checks = checksOn(pool);
        expect(await checks.scheduler()).toMatchObject({
          stalled: true,
          cause:
            "scheduled_jobs.started_at is missing: LabPics's scheduler writes it, so every worker tick fails",
        });
        expect(await checks.schema()).toMatchObject({
          mismatches: [],
          schedulerGaps: ["scheduled_jobs.started_at"],
        });
      });
    }

    it("is stalled when no worker run ever started, and not when nothing is due", async () => {
      await rows.job({ jobType: "daily_digest", lastStatus: null, nextRunAt: inFuture(60) });
      expect((await checks.scheduler()).stalled).toBe(false);
      await rows.job({ jobType: "campaign_scheduler", lastStatus: null, nextRunAt: ago(60) });
      expect(await checks.scheduler()).toEqual({
        overdueJobs: 1,
        lastRunStartedAt: null,
        stalled: true,
      });
    });
  });

  it("reports a table it needs that is missing as a schema mismatch, not an outage", async () => {
    await pool.query("DROP TABLE connector_sync_state CASCADE");
    checks = checksOn(pool);
    await expect(checks.sync()).rejects.toThrow("schema mismatch: connector_sync_state");
    expect((await checks.schema()).mismatches).toEqual(["connector_sync_state"]);
    await expect(checks.jobs()).resolves.toEqual([]);
    expect((await checks.postgres()).status).toBe("ok");
  });
});

describe("checks per project (labpics shape)", () => {
  let database: TestDatabase;
  let pool: Pool;
  let rows: LabpicsRows;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool({ connectionString: database.connectionString, max: 2 });
    rows = labpicsRows(pool, "labpics");
    await rows.reset();
    for (const project of ["acme", "globex"] as const) {
      await rows.job({
        project,
        jobType: "embeddings_run",
        lastStatus: "failed",
        nextRunAt: inFuture(5),
        lastError: "boom",
      });
      await rows.workerRun({
        project,
        jobType: "embeddings_run",
        status: "running",
        startedAt: ago(90),
      });
      await rows.connector({ project, connector: "linear", status: "failed", syncedAt: ago(5) });
    }
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it("lists the same job, run and connector of two projects, each named", async () => {
    const checks = checksOn(pool);
    expect((await checks.jobs()).map((j) => [j.project, j.jobType, j.failed])).toEqual([
      ["Acme", "embeddings_run", true],
      ["Globex", "embeddings_run", true],
    ]);
    expect((await checks.stuck()).runs.map((r) => r.project)).toEqual(["Acme", "Globex"]);
    expect((await checks.sync()).map((c) => c.project)).toEqual(["Acme", "Globex"]);
  });

  it("orders projects by name as people read them, not by character code", async () => {
    const rename = async (acme: string, globex: string) => {
      await pool.query("UPDATE projects SET name = CASE id WHEN $1 THEN $2 ELSE $3 END", [
        PROJECTS.acme.id,
        acme,
        globex,
      ]);
    };
    onTestFinished(() => rename(PROJECTS.acme.name, PROJECTS.globex.name));
    await rename("alpha", "Beta");
    expect((await checksOn(pool).jobs()).map((j) => j.project)).toEqual(["alpha", "Beta"]);
  });

  it("watches only PROJECT_IDS when set", async () => {
    const checks = checksOn(pool, [PROJECTS.globex.id]);
    expect((await checks.jobs()).map((j) => j.project)).toEqual(["Globex"]);
    expect((await checks.stuck()).runs.map((r) => r.project)).toEqual(["Globex"]);
    expect((await checks.sync()).map((c) => c.project)).toEqual(["Globex"]);
  });
});
