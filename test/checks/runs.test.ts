// The /runs queries on both worker_runs shapes, on real PostgreSQL: each shape gets its own
// database built from small DDL here, rows placed relative to a fixed `now`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHistory, summarizeRuns, type RunsShape } from "../../src/checks/runs.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

const NOW = new Date("2026-11-28T12:00:00Z");
const ago = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
const ALPHA = "00000000-0000-4000-8000-00000000000a";
const BETA = "00000000-0000-4000-8000-00000000000b";

const DDL: Record<RunsShape, string> = {
  reference: `CREATE TABLE worker_runs (id bigserial PRIMARY KEY, job_type text NOT NULL,
      status text NOT NULL, started_at timestamptz, finished_at timestamptz, error text)`,
  labpics: `CREATE TABLE projects (id uuid PRIMARY KEY, name text NOT NULL);
    CREATE TABLE worker_runs (id bigserial PRIMARY KEY, scheduled_job_id uuid,
      project_id uuid NOT NULL REFERENCES projects(id), account_scope_id uuid,
      job_type text NOT NULL, status text NOT NULL, started_at timestamptz NOT NULL,
      finished_at timestamptz, details jsonb, error text);
    INSERT INTO projects VALUES ('${ALPHA}', 'Alpha'), ('${BETA}', 'Beta')`,
};

interface Run {
  job: string;
  status: string;
  hoursAgo: number;
  seconds?: number;
  error?: string;
  project?: string;
}

async function insert(pool: Pool, shape: RunsShape, runs: Run[]): Promise<void> {
  for (const r of runs) {
    const started = ago(r.hoursAgo);
    const finished =
      r.seconds === undefined ? null : new Date(started.getTime() + r.seconds * 1000);
    const columns = ["job_type", "status", "started_at", "finished_at", "error"];
    const values: unknown[] = [r.job, r.status, started, finished, r.error ?? null];
    if (shape === "labpics") {
      columns.push("project_id");
      values.push(r.project ?? ALPHA);
    }
    await pool.query(
      `INSERT INTO worker_runs (${columns.join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
      values,
    );
  }
}

// digest: in the last day 3 ok (10, 20, 30 s) and 1 failed (40 s); 3 days ago 1 ok (100 s);
// 9 days ago 1 failed (outside the week); one still running for 2.5 h.
const DIGEST: Run[] = [
  { job: "digest", status: "ok", hoursAgo: 1, seconds: 10 },
  { job: "digest", status: "ok", hoursAgo: 2, seconds: 20 },
  { job: "digest", status: "ok", hoursAgo: 3, seconds: 30 },
  { job: "digest", status: "failed", hoursAgo: 4, seconds: 40, error: "smtp refused" },
  { job: "digest", status: "ok", hoursAgo: 72, seconds: 100 },
  { job: "digest", status: "failed", hoursAgo: 216, seconds: 5, error: "too old" },
  { job: "digest", status: "running", hoursAgo: 2.5 },
];

for (const shape of ["reference", "labpics"] as const) {
  describe(`/runs queries, ${shape} shape`, () => {
    let database: TestDatabase;
    let pool: Pool;
    beforeAll(async () => {
      database = await createTestDatabase();
      pool = createPool({ connectionString: database.connectionString, max: 1 });
      await pool.query(DDL[shape]);
      await insert(pool, shape, [
        ...DIGEST,
        { job: "embeddings", status: "ok", hoursAgo: 30, seconds: 60, project: BETA },
      ]);
    });
    afterAll(async () => {
      await pool.end();
      await database.drop();
    });

    it("counts runs and outcomes and takes duration percentiles over 24 h and 7 d", async () => {
      const summary = await summarizeRuns(pool, { shape, now: NOW });
      const digest = summary.jobs.find((j) => j.jobType === "digest")!;
      expect(digest.day).toEqual({ runs: 5, ok: 3, failed: 1, p50: 25, p95: 38.5 });
      expect(digest.week).toMatchObject({ runs: 6, ok: 4, failed: 1, p50: 30 });
      const embeddings = summary.jobs.find((j) => j.jobType === "embeddings")!;
      expect(embeddings.day).toEqual({ runs: 0, ok: 0, failed: 0, p50: null, p95: null });
      expect(embeddings.week.runs).toBe(1);
      expect(embeddings.project).toBe(shape === "labpics" ? "Beta" : null);
    });

    it("lists the week's failures newest first with their errors", async () => {
      const { failures } = await summarizeRuns(pool, { shape, now: NOW });
      expect(failures.map((f) => [f.jobType, f.error, f.seconds])).toEqual([
        ["digest", "smtp refused", 40],
      ]);
    });

    it("with JOB: its last runs newest first, the running one measured up to now", async () => {
      const history = await jobHistory(pool, { shape, now: NOW, job: "digest" });
      expect(history.last.map((r) => r.status)).toEqual([
        "ok",
        "ok",
        "running",
        "ok",
        "failed",
        "ok",
        "failed",
      ]);
      expect(history.last[2]!.seconds).toBe(9000);
      // The chart's week: oldest first, without the run from 9 days ago.
      expect(history.week.map((r) => r.seconds)).toEqual([100, 40, 30, 9000, 20, 10]);
    });

    if (shape === "labpics") {
      it("with PROJECT (name or id): only that project's runs", async () => {
        const byName = await summarizeRuns(pool, { shape, now: NOW, project: "Beta" });
        expect(byName.jobs.map((j) => j.jobType)).toEqual(["embeddings"]);
        const byId = await summarizeRuns(pool, { shape, now: NOW, project: ALPHA });
        expect(byId.jobs.map((j) => j.jobType)).toEqual(["digest"]);
        const none = await jobHistory(pool, { shape, now: NOW, job: "digest", project: "Beta" });
        expect(none.last).toEqual([]);
      });

      it("keeps the same job of two projects apart", async () => {
        await insert(pool, shape, [
          { job: "embeddings", status: "failed", hoursAgo: 1, seconds: 1, project: ALPHA },
        ]);
        const summary = await summarizeRuns(pool, { shape, now: NOW, job: "embeddings" });
        expect(summary.jobs.map((j) => [j.project, j.week.runs])).toEqual([
          ["Alpha", 1],
          ["Beta", 1],
        ]);
      });
    }
  });
}
