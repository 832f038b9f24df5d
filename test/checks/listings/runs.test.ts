// The /runs queries on both worker_runs shapes, on real PostgreSQL: each shape gets its own
// database built from small DDL here, rows placed relative to a fixed `now`.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { refreshRunHistory } from "../../../src/checks/listings/run-history.js";
import {
  CHART_RUNS,
  jobHistory,
  summarizeRuns,
  type RunsShape,
} from "../../../src/checks/listings/runs.js";
import { migrate } from "../../../src/db/migrate.js";
import { createPool, type Pool } from "../../../src/db/pool.js";
import { createTestDatabase, type TestDatabase } from "../../kit/postgres.js";

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

    /** `count` runs of `job` (ok, 20 s each), `step` seconds apart, the newest a minute ago. */
    const runsEvery = async (job: string, step: number, count: number) => {
      const labpics = shape === "labpics";
      await pool.query(
        `INSERT INTO worker_runs (job_type, status, started_at, finished_at${labpics ? ", project_id" : ""})
         SELECT $2, 'ok', s, s + interval '20 seconds'${labpics ? `, '${ALPHA}'` : ""}
           FROM generate_series(0, $4::int - 1) AS i,
                LATERAL (SELECT $1::timestamptz - interval '1 minute' - i * $3::int * interval '1 second') AS t(s)`,
        [NOW, job, step, count],
      );
    };
    // A test's own job, out again after it: the others count every job.
    const forget = async (job: string) => {
      await pool.query("DELETE FROM worker_runs WHERE job_type = $1", [job]);
    };

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
      expect(history.week.columns.map((c) => [c.status, c.runs, c.shortest, c.longest])).toEqual([
        ["ok", 1, 100, 100],
        ["failed", 1, 40, 40],
        ["ok", 1, 30, 30],
        ["running", 1, 9000, 9000],
        ["ok", 1, 20, 20],
        ["ok", 1, 10, 10],
      ]);
    });

    it("with JOB: the week's runs of one half-hour are one column per status, every run counted", async () => {
      const minutesAgo = (m: number) => m / 60;
      onTestFinished(() => forget("burst"));
      await insert(pool, shape, [
        { job: "burst", status: "ok", hoursAgo: minutesAgo(20), seconds: 5 },
        { job: "burst", status: "failed", hoursAgo: minutesAgo(19), seconds: 7 },
        { job: "burst", status: "ok", hoursAgo: minutesAgo(18), seconds: 50 },
      ]);
      const { week } = await jobHistory(pool, { shape, now: NOW, job: "burst" });
      expect(week.columns).toEqual([
        {
          column: 335,
          status: "failed",
          startedAt: ago(minutesAgo(19)),
          runs: 1,
          shortest: 7,
          longest: 7,
        },
        {
          column: 335,
          status: "ok",
          startedAt: ago(minutesAgo(20)),
          runs: 2,
          shortest: 5,
          longest: 50,
        },
      ]);
    });

    it("with JOB: a job that ran every 90 s all week has all its runs in a few hundred rows", async () => {
      onTestFinished(() => forget("frequent"));
      await runsEvery("frequent", 90, 6719); // 6.998 days of them
      const { week } = await jobHistory(pool, { shape, now: NOW, job: "frequent" });
      expect(week.columns.reduce((n, c) => n + c.runs, 0)).toBe(6719);
      expect(week.columns).toHaveLength(336);
      expect(week).toMatchObject({ cut: false, since: ago(7 * 24) });
    });

    it("with JOB: a week of more than CHART_RUNS runs charts the newest, and says from when", async () => {
      onTestFinished(() => forget("busy"));
      await runsEvery("busy", 20, CHART_RUNS);
      const all = await jobHistory(pool, { shape, now: NOW, job: "busy" });
      expect(all.week.columns.reduce((n, c) => n + c.runs, 0)).toBe(CHART_RUNS);
      expect(all.week).toMatchObject({ cut: false, since: ago(7 * 24) });

      // One more, older than the others: the newest CHART_RUNS are charted, from the first.
      await insert(pool, shape, [{ job: "busy", status: "ok", hoursAgo: 6 * 24, seconds: 1 }]);
      const { week } = await jobHistory(pool, { shape, now: NOW, job: "busy" });
      expect(week.columns.reduce((n, c) => n + c.runs, 0)).toBe(CHART_RUNS);
      const oldest = new Date(NOW.getTime() - 60_000 - (CHART_RUNS - 1) * 20_000);
      expect(week).toMatchObject({ cut: true, since: oldest });
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

      it("with PROJECT_IDS: only the watched projects' runs, in the summary and a job's", async () => {
        const watched = { shape, now: NOW, projectIds: [BETA] };
        const summary = await summarizeRuns(pool, watched);
        expect(summary.jobs.map((j) => j.jobType)).toEqual(["embeddings"]);
        expect(summary.failures).toEqual([]);
        const history = await jobHistory(pool, { ...watched, job: "digest" });
        expect(history.last).toEqual([]);
        expect(history.week.columns).toEqual([]);
        const named = await summarizeRuns(pool, { ...watched, project: "Alpha" });
        expect(named.jobs).toEqual([]);
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

/** Within one duration bucket of the exact figure (run-history.ts: 9%). */
const withinBucket = (value: number | null, exact: number) => {
  expect(value).not.toBeNull();
  expect(Math.abs(value! / exact - 1)).toBeLessThanOrEqual(0.09);
};

for (const shape of ["reference", "labpics"] as const) {
  describe(`/runs from the history the watcher keeps, ${shape} shape`, () => {
    let database: TestDatabase;
    let pool: Pool;
    const refreshedTo = (at: Date | string) =>
      pool.query("UPDATE opsbot.run_history_scan SET refreshed_to = $1", [at]);
    const refresh = (now = NOW) => refreshRunHistory(pool, shape, now);
    /** Refreshes until the history reaches `now`; how many refreshes it took. */
    const catchUp = async (now = NOW) => {
      for (let refreshes = 1; refreshes <= 20; refreshes++) {
        await refresh(now);
        const { rowCount } = await pool.query(
          "SELECT 1 FROM opsbot.run_history_scan WHERE refreshed_to >= $1",
          [now],
        );
        if (rowCount === 1) return refreshes;
      }
      throw new Error("the history never caught up");
    };
    const digest = async (project?: string) =>
      (await summarizeRuns(pool, { shape, now: NOW, project })).jobs.find(
        (j) => j.jobType === "digest",
      );
    /** /runs at `now` from worker_runs itself: the history made stale for one call. */
    const exactly = async (now: Date) => {
      const { rows } = await pool.query<{ at: Date }>(
        "SELECT refreshed_to AS at FROM opsbot.run_history_scan",
      );
      await refreshedTo(new Date(now.getTime() - 20 * 60_000));
      const summary = await summarizeRuns(pool, { shape, now });
      await refreshedTo(rows[0]!.at);
      return summary;
    };

    beforeAll(async () => {
      database = await createTestDatabase();
      pool = createPool({ connectionString: database.connectionString, max: 2 });
      await pool.query(DDL[shape]);
      await migrate(pool);
      await insert(pool, shape, [
        ...DIGEST,
        { job: "embeddings", status: "ok", hoursAgo: 30, seconds: 60, project: BETA },
      ]);
      await catchUp();
    });
    afterAll(async () => {
      await pool.end();
      await database.drop();
    });

    it("has worker_runs' counts and its percentiles within a bucket", async () => {
      const { day, week } = (await digest())!;
      expect(day).toMatchObject({ runs: 5, ok: 3, failed: 1 });
      withinBucket(day.p50, 25);
      withinBucket(day.p95, 38.5);
      expect(week).toMatchObject({ runs: 6, ok: 4, failed: 1 });
      withinBucket(week.p50, 30);
    });

    it("reads worker_runs itself while the history is stale (no watcher), the history once fresh", async () => {
      await insert(pool, shape, [{ job: "digest", status: "ok", hoursAgo: 0.2, seconds: 10 }]);
      expect((await digest())!.day.runs).toBe(5); // fresh: the refresh has not seen it yet
      await refreshedTo(new Date(NOW.getTime() - 20 * 60_000));
      expect((await digest())!.day.runs).toBe(6); // stale: worker_runs
      await refresh();
      expect((await digest())!.day.runs).toBe(6);
    });

    it("counts a run's outcome when it finishes within the recount hour", async () => {
      const before = (await digest())!.day;
      await insert(pool, shape, [{ job: "digest", status: "running", hoursAgo: 0.5 }]);
      await refresh();
      expect((await digest())!.day).toMatchObject({ runs: before.runs + 1, ok: before.ok });
      await pool.query(
        `UPDATE worker_runs SET status = 'ok', finished_at = started_at + interval '12 seconds'
          WHERE status = 'running' AND started_at > $1`,
        [new Date(NOW.getTime() - 3_600_000)],
      );
      await refresh();
      expect((await digest())!.day).toMatchObject({ runs: before.runs + 1, ok: before.ok + 1 });
    });

    it("rewrites only the kept rows a recount changes, and drops those left without runs", async () => {
      const kept = () =>
        pool.query<{ job_type: string; runs: number; version: string }>(
          `SELECT job_type, runs, xmin::text AS version FROM opsbot.run_hours
            WHERE hour >= $1 ORDER BY job_type`,
          [new Date(NOW.getTime() - 2 * 3_600_000)],
        );
      await insert(pool, shape, [{ job: "gone", status: "ok", hoursAgo: 0.3, seconds: 4 }]);
      await refresh();
      const before = (await kept()).rows;
      expect(before.map((r) => r.job_type)).toContain("gone");
      await pool.query("DELETE FROM worker_runs WHERE job_type = 'gone'");
      await refresh();
      // The same rows, written by the same transactions, less the deleted run's.
      expect((await kept()).rows).toEqual(before.filter((r) => r.job_type !== "gone"));
      const { rowCount } = await pool.query(
        "SELECT 1 FROM opsbot.run_durations WHERE job_type = 'gone'",
      );
      expect(rowCount).toBe(0);
    });

    it("fills the week a day per refresh after a deploy, and keeps no hour past 8 days", async () => {
      const before = (await digest())!.week;
      await refreshedTo("-infinity");
      const refreshes = await catchUp();
      // 8 days, 23 new hours per refresh (each counts its first hour again).
      expect(refreshes).toBe(9);
      const { rows } = await pool.query<{ oldest: Date }>(
        "SELECT min(hour) AS oldest FROM opsbot.run_hours",
      );
      expect(rows[0]!.oldest.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 8 * 86_400_000);
      expect((await digest())!.week).toEqual(before);
    });

    if (shape === "labpics") {
      it("with PROJECT and JOB: only those runs", async () => {
        const beta = await summarizeRuns(pool, { shape, now: NOW, project: "Beta" });
        expect(beta.jobs.map((j) => [j.jobType, j.project, j.week.runs])).toEqual([
          ["embeddings", "Beta", 1],
        ]);
        const job = await summarizeRuns(pool, { shape, now: NOW, job: "embeddings" });
        expect(job.jobs.map((j) => j.project)).toEqual(["Beta"]);
      });
    }

    it("reads worker_runs itself before the first refresh has summed the kept history", async () => {
      await insert(pool, shape, [{ job: "digest", status: "ok", hoursAgo: 0.1, seconds: 10 }]);
      const kept = (await digest())!.day.runs;
      const { rows } = await pool.query<{ at: Date }>(
        "SELECT summary_hour AS at FROM opsbot.run_history_scan",
      );
      await pool.query("UPDATE opsbot.run_history_scan SET summary_hour = '-infinity'");
      expect((await digest())!.day.runs).toBe(kept + 1);
      await pool.query("UPDATE opsbot.run_history_scan SET summary_hour = $1", [rows[0]!.at]);
      expect((await digest())!.day.runs).toBe(kept);
      await refresh();
    });

    it("has percentiles within a bucket of percentile_cont over 24 h and 7 d", async () => {
      const runs = Array.from({ length: 600 }, (_, i) => ({
        job: "bulk",
        status: i % 7 === 0 ? "failed" : "ok",
        hoursAgo: 0.5 + ((i * 37) % 160),
        seconds: 0.2 + ((i * 7919) % 997) * 3.7,
      }));
      await insert(pool, shape, runs);
      // Written into past hours: counted when the history is filled again.
      await refreshedTo("-infinity");
      await catchUp();
      const bulk = (s: Awaited<ReturnType<typeof summarizeRuns>>) =>
        s.jobs.find((j) => j.jobType === "bulk")!;
      const kept = bulk(await summarizeRuns(pool, { shape, now: NOW }));
      const exact = bulk(await exactly(NOW));
      for (const span of ["day", "week"] as const) {
        expect(kept[span]).toMatchObject({
          runs: exact[span].runs,
          ok: exact[span].ok,
          failed: exact[span].failed,
        });
        withinBucket(kept[span].p50, exact[span].p50!);
        withinBucket(kept[span].p95, exact[span].p95!);
      }
    });

    it("takes hours out of the 24 h and 7 d windows as they leave them", async () => {
      // On the hour: the windows /runs reads from worker_runs start where the hourly ones do.
      await insert(pool, shape, [
        { job: "weekly", status: "ok", hoursAgo: 167, seconds: 3 },
        { job: "weekly", status: "failed", hoursAgo: 23, seconds: 5 },
      ]);
      await refreshedTo("-infinity");
      await catchUp();
      for (const hours of [0, 1, 2, 30]) {
        const later = new Date(NOW.getTime() + hours * 3_600_000);
        await catchUp(later);
        const kept = await summarizeRuns(pool, { shape, now: later });
        const exact = await exactly(later);
        const counts = (s: typeof kept) =>
          s.jobs.map((j) => [j.jobType, j.project, j.day.runs, j.day.failed, j.week.runs]);
        expect(counts(kept)).toEqual(counts(exact));
      }
      const weekly = async (now: Date) =>
        (await summarizeRuns(pool, { shape, now })).jobs.find((j) => j.jobType === "weekly");
      // 30 h on, the failed run has left the day and the other one the week.
      const last = await weekly(new Date(NOW.getTime() + 30 * 3_600_000));
      expect(last).toMatchObject({
        day: { runs: 0, failed: 0, p50: null },
        week: { runs: 1, failed: 1 },
      });
      withinBucket(last!.week.p50, 5);
    });

    it("never marks hours counted past the database's clock (a replica whose clock runs ahead)", async () => {
      const real = Date.now();
      await refreshRunHistory(pool, shape, new Date(real + 3 * 3_600_000));
      const { rows } = await pool.query<{ at: Date }>(
        "SELECT refreshed_to AS at FROM opsbot.run_history_scan",
      );
      expect(rows[0]!.at.getTime()).toBeLessThanOrEqual(Date.now());
      await refreshedTo(NOW);
    });
  });
}
