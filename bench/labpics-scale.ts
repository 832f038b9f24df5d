// npm run bench:scale: /jobs, /stuck, /sync, /runs and the watcher tick at LabPics scale
// (issue #9 item 8): a database in the labpics shape with 200 projects × 15 jobs, 10 M
// worker_runs and 1 M connector_events (labpics-scale-fixtures.ts), measured first
// with LabPics's own indexes only (the same-run baseline), then with
// sql/recommended-indexes.sql. Every query a command ran is EXPLAINed: a sequential scan of
// worker_runs or connector_events is a failed target. `-- --write-docs` writes the table
// into docs/benchmarks.md and the plans into docs/labpics-scale-plans.txt.
//
// The database is thrown away at the end. BENCH_SCALE_DB=<name> keeps it under that name
// and reuses it on the next run (the generator is deterministic; drop it by hand when the
// shape changes). BENCH_PROJECTS, BENCH_RUNS, BENCH_EVENTS change the scale.
import { createServer } from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import pg from "pg";
import { createChecks, type Checks } from "../src/checks/create-checks.js";
import { historyRefreshedTo, refreshRunHistory } from "../src/checks/listings/run-history.js";
import { CHART_RUNS, jobHistory, summarizeRuns } from "../src/checks/listings/runs.js";
import { createShapeSource } from "../src/checks/shape-source.js";
import { systemClock } from "../src/clock.js";
import { applyShape } from "../src/console/demo/labpics-fixtures.js";
import { migrate } from "../src/db/migrate.js";
import { fillLabpicsScale } from "./labpics-scale-fixtures.js";
import { createPool, type Pool } from "../src/db/pool.js";
import { createLogger, type Logger } from "../src/log/create-logger.js";
import { buildTestApp } from "../test/kit/build-test-app.js";
import { createTestDatabase, type TestDatabase } from "../test/kit/postgres.js";
import { benchTable, median, percentile, type BenchRow } from "./lib.js";

const SCALE = {
  projects: Number(process.env.BENCH_PROJECTS ?? 200),
  workerRuns: Number(process.env.BENCH_RUNS ?? 10_000_000),
  connectorEvents: Number(process.env.BENCH_EVENTS ?? 1_000_000),
};
const KEEP = process.env.BENCH_SCALE_DB;
const REPEAT = 30;
// The slow plans of the baseline are timed fewer times.
const BASELINE_REPEAT = 5;
const TICKS = 15;
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const HISTORY = /Seq Scan on (worker_runs|connector_events)\b/;
const RECOMMENDED = [
  ...readFileSync("sql/recommended-indexes.sql", "utf8").matchAll(
    /CREATE INDEX IF NOT EXISTS (\w+)/g,
  ),
].map((m) => m[1]!);

const rows: BenchRow[] = [];
const plans: string[] = [];
const ms = (n: number) => `${n.toFixed(1)} ms`;
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(0)} s`;

async function openDatabase(): Promise<{ database: TestDatabase; filled: boolean }> {
  if (KEEP === undefined) return { database: await createTestDatabase(), filled: false };
  if (!/^[a-z_][a-z0-9_]*$/.test(KEEP))
    throw new Error(`BENCH_SCALE_DB: not a plain name: ${KEEP}`);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [KEEP]);
  if (rowCount === 0) await admin.query(`CREATE DATABASE ${KEEP}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${KEEP}`;
  return {
    database: { connectionString: url.toString(), embedded: false, drop: async () => {} },
    filled: rowCount !== 0,
  };
}

/** A pool that remembers the text and values of every query run through it. */
function recording(pool: Pool) {
  const seen: { text: string; values?: unknown[] }[] = [];
  const wrapQuery =
    (target: { query: (...args: never[]) => unknown }) => (text: unknown, values?: unknown[]) => {
      if (typeof text === "string") seen.push({ text, values });
      return (target.query as (t: unknown, v?: unknown[]) => unknown).call(target, text, values);
    };
  const bound = (target: object, prop: string | symbol) => {
    const value: unknown = Reflect.get(target, prop);
    return typeof value === "function"
      ? (value as (...a: unknown[]) => unknown).bind(target)
      : value;
  };
  const proxy = new Proxy(pool, {
    get(target, prop) {
      if (prop === "query") return wrapQuery(target);
      if (prop === "connect") {
        return async () => {
          const client = await target.connect();
          return new Proxy(client, {
            get: (c, p) => (p === "query" ? wrapQuery(c) : bound(c, p)),
          });
        };
      }
      return bound(target, prop);
    },
  });
  return { pool: proxy, seen };
}

async function timed(what: string, repeat: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm: plans cached, pages in memory
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  const result = median(times);
  console.log(`  ${what}: ${ms(result)} median of ${repeat}`);
  return result;
}

/** EXPLAINs every statement `fn` ran; true when one of them scans the history sequentially. */
async function explain(
  pool: Pool,
  recorder: ReturnType<typeof recording>,
  what: string,
  fn: () => Promise<unknown>,
): Promise<boolean> {
  await fn(); // the first call after a deploy scans every process start once
  recorder.seen.length = 0;
  await fn();
  const statements = recorder.seen.filter((q) => /^\s*(WITH|SELECT|INSERT|DELETE)/i.test(q.text));
  let seqScan = false;
  for (const q of statements) {
    if (!/worker_runs|connector_events/.test(q.text)) continue;
    const { rows: plan } = await pool.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (COSTS OFF) ${q.text}`,
      q.values,
    );
    const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
    seqScan ||= HISTORY.test(text);
    plans.push(`### ${what}\n${q.text.replace(/\s+/g, " ").slice(0, 300)}…\n${text}\n`);
  }
  return seqScan;
}

async function startApiStub() {
  const server = createServer((req, res) => {
    res.writeHead(200, {
      "content-type": req.url === "/metrics" ? "text/plain" : "application/json",
    });
    res.end(req.url === "/metrics" ? "" : '{"ok":true,"service":"server"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** The checks as the app wires them, on the real clock, with the documented thresholds. */
function createChecksOn(pool: Pool, logger: Logger): Checks {
  return createChecks({
    pool,
    clock: systemClock,
    shapes: createShapeSource(pool, logger, systemClock),
    apiHealthUrl: "http://127.0.0.1:9/health",
    apiMetricsUrl: "http://127.0.0.1:9/metrics",
    overdueMinutes: 10,
    staleMinutes: 120,
    stuckMinutes: 30,
    schedulerStallMinutes: 10,
    projectIds: [],
    botFacts: () => Promise.resolve({ version: "bench", startedAt: new Date() }),
  });
}

interface Figures {
  jobs: number;
  stuck: number;
  sync: number;
  scheduler: number;
  runs: number;
  runsJob: number;
  runsJobEverywhere: number;
  seqScan: Record<string, boolean>;
}

async function measure(pool: Pool, repeat: number, label: string): Promise<Figures> {
  console.log(`${label}:`);
  const recorder = recording(pool);
  const checks = createChecksOn(recorder.pool, createLogger({ level: "silent", secrets: [] }));
  const runs = () => summarizeRuns(recorder.pool, { shape: "labpics", now: new Date() });
  const runsJob = () =>
    jobHistory(recorder.pool, {
      shape: "labpics",
      now: new Date(),
      job: "embeddings_run",
      project: "Project 007",
    });
  // The same job over every project: more runs a week than a chart reads (CHART_RUNS).
  const runsJobEverywhere = () =>
    jobHistory(recorder.pool, { shape: "labpics", now: new Date(), job: "embeddings_run" });
  const commands = {
    jobs: () => checks.jobs(),
    stuck: () => checks.stuck(),
    sync: () => checks.sync(),
    scheduler: () => checks.scheduler(),
    runs,
    runsJob,
    runsJobEverywhere,
  };
  const seqScan: Record<string, boolean> = {};
  for (const [name, fn] of Object.entries(commands)) {
    seqScan[name] = await explain(pool, recorder, `${label}: ${name}`, fn);
  }
  const figures = {
    jobs: await timed("/jobs", repeat, commands.jobs),
    stuck: await timed("/stuck (workers, processes, failed processes)", repeat, commands.stuck),
    sync: await timed("/sync", repeat, commands.sync),
    scheduler: await timed("scheduler check", repeat, commands.scheduler),
    runs: await timed("/runs", Math.min(repeat, BASELINE_REPEAT * 2), runs),
    runsJob: await timed("/runs embeddings_run Project 007", repeat, runsJob),
    runsJobEverywhere: await timed("/runs embeddings_run", repeat, runsJobEverywhere),
    seqScan,
  };
  console.log(`  sequential scans of the history: ${JSON.stringify(seqScan)}`);
  return figures;
}

/** The real app (webhook mode, fake Bot API) ticking its watcher on the scale database. */
interface Ticks {
  /** The ticks after a deploy that fill the run history, a day each. */
  catchUp: number[];
  steady: number[];
}

/** The real app (webhook mode, fake Bot API) ticking its watcher on the scale database. */
async function watcherTicks(database: TestDatabase): Promise<Ticks> {
  const api = await startApiStub();
  const t = await buildTestApp({
    database,
    env: {
      ALERT_CHAT_ID: "-1001234567890",
      WATCH_CRON: "0 0 1 1 *",
      API_HEALTH_URL: `${api.url}/health`,
      API_METRICS_URL: `${api.url}/metrics`,
      LOG_LEVEL: "warn",
    },
  });
  try {
    let n = 0;
    const tick = async () => {
      const started = performance.now();
      const outcome = await t.app.watcher.tick(`bench-tick:${process.pid}:${++n}`);
      if (outcome !== "ok") throw new Error(`watcher tick ${n}: ${outcome}`);
      return performance.now() - started;
    };
    const catchUp: number[] = [];
    do catchUp.push(await tick());
    while (!(await historyFresh(t.pool)) && catchUp.length < 30);
    const steady: number[] = [];
    for (let i = 0; i < TICKS; i++) steady.push(await tick());
    return { catchUp, steady };
  } finally {
    await t.close();
    api.close();
  }
}

const historyFresh = async (pool: Pool) => {
  const refreshedTo = await historyRefreshedTo(pool);
  return refreshedTo !== null && refreshedTo >= Date.now() - 60_000;
};

const benchStarted = performance.now();
// The machine is shared: its load beside the figures says how far to trust them.
const loadAtStart = loadavg()[0]!;
const { database, filled } = await openDatabase();
const pool = createPool({
  connectionString: database.connectionString,
  max: 4,
  statementTimeoutMs: 900_000,
});
try {
  let built = `reused (BENCH_SCALE_DB=${KEEP})`;
  if (!filled) {
    const started = performance.now();
    console.log(`building ${JSON.stringify(SCALE)}…`);
    await applyShape(pool, "labpics");
    await fillLabpicsScale(pool, new Date(), SCALE);
    built = `built in ${seconds(started)}`;
    console.log(`  ${built}`);
  }
  const { rows: sizes } = await pool.query<{ runs: number; events: number; jobs: number }>(
    `SELECT (SELECT count(*) FROM worker_runs)::int AS runs,
            (SELECT count(*) FROM connector_events)::int AS events,
            (SELECT count(*) FROM scheduled_jobs)::int AS jobs`,
  );
  console.log(`  ${JSON.stringify(sizes[0])}`);
  // Fresh opsbot state each time: the first call (or tick) is the one after a deploy.
  const freshOpsbot = () => pool.query("DROP SCHEMA IF EXISTS opsbot CASCADE");
  await freshOpsbot();
  for (const index of RECOMMENDED) await pool.query(`DROP INDEX IF EXISTS ${index}`);

  await migrate(pool);
  const baseline = await measure(pool, BASELINE_REPEAT, "LabPics's own indexes only");
  const indexStarted = performance.now();
  await pool.query(`SET maintenance_work_mem = '256MB';
    ${readFileSync("sql/recommended-indexes.sql", "utf8")}; ANALYZE worker_runs, connector_events`);
  const indexTime = seconds(indexStarted);
  console.log(`recommended indexes built in ${indexTime}`);
  // Stuck processes as before migration 0007: every process start probed for its end.
  await freshOpsbot();
  const logger = createLogger({ level: "silent", secrets: [] });
  const unscanned = await timed("/stuck without the process watermark", BASELINE_REPEAT, () =>
    createChecksOn(pool, logger).stuck(),
  );
  await migrate(pool);
  // /runs as before migration 0007 too: exactly from worker_runs (history not kept yet).
  const exactRuns = await timed("/runs exactly from worker_runs", BASELINE_REPEAT, () =>
    summarizeRuns(pool, { shape: "labpics", now: new Date() }),
  );
  const fillStarted = performance.now();
  let refreshes = 0;
  while (!(await historyFresh(pool))) {
    await refreshRunHistory(pool, "labpics", new Date());
    refreshes++;
  }
  const fillTime = `${refreshes} refreshes, ${seconds(fillStarted)}`;
  console.log(`  run history filled: ${fillTime}`);
  const tuned = await measure(pool, REPEAT, "with sql/recommended-indexes.sql");
  console.log("watcher ticks (the real app, webhook mode, fake Bot API)…");
  await freshOpsbot();
  const watcher = await watcherTicks(database);
  const list = (values: number[]) => values.map((n) => n.toFixed(0)).join(" ");
  console.log(`  catching up ${list(watcher.catchUp)} ms, then ${list(watcher.steady)} ms`);

  const target = (figure: string, value: number, base: number, limit: number) =>
    rows.push({
      figure,
      value: ms(value),
      baseline: `${ms(base)} LabPics's indexes only`,
      target: `≤ ${limit} ms`,
      ok: value <= limit,
    });
  target("/jobs median", tuned.jobs, baseline.jobs, 20);
  target("/stuck median (workers, processes, failed processes)", tuned.stuck, baseline.stuck, 20);
  rows.push({
    figure: "/stuck median without the process watermark (every start probed)",
    value: ms(unscanned),
    baseline: "recommended indexes",
    target: "",
    ok: undefined,
  });
  target("/sync median", tuned.sync, baseline.sync, 20);
  rows.push({
    figure: "scheduler check median",
    value: ms(tuned.scheduler),
    baseline: ms(baseline.scheduler),
    target: "",
    ok: undefined,
  });
  target("/runs summary median (every job and project)", tuned.runs, baseline.runs, 50);
  rows.push({
    figure: "/runs summary median exactly from worker_runs (history stale)",
    value: ms(exactRuns),
    baseline: `recommended indexes; the history filled in ${fillTime}`,
    target: "",
    ok: undefined,
  });
  target("/runs JOB PROJECT median", tuned.runsJob, baseline.runsJob, 50);
  target(
    `/runs JOB median, every project (the newest ${CHART_RUNS.toLocaleString("en")} runs charted)`,
    tuned.runsJobEverywhere,
    baseline.runsJobEverywhere,
    50,
  );
  const tickMedian = median(watcher.steady);
  rows.push({
    figure: `watcher tick median (${TICKS} ticks)`,
    value: ms(tickMedian),
    baseline: `p90 ${ms(percentile(watcher.steady, 90))}; the ${watcher.catchUp.length} first after a deploy (filling the history) up to ${ms(Math.max(...watcher.catchUp))}`,
    target: "≤ 200 ms",
    ok: tickMedian <= 200,
  });
  const scans = (f: Figures) =>
    Object.entries(f.seqScan)
      .filter(([, yes]) => yes)
      .map(([name]) => name)
      .join(", ") || "none";
  rows.push({
    figure: "EXPLAIN: seq scan of worker_runs / connector_events",
    value: scans(tuned),
    baseline: `${scans(baseline)} with LabPics's indexes only`,
    target: "none",
    ok: scans(tuned) === "none",
  });
  const data = sizes[0]!;
  const context =
    `${data.jobs.toLocaleString("en")} scheduled_jobs, ${data.runs.toLocaleString("en")} worker_runs, ` +
    `${data.events.toLocaleString("en")} connector_events; ${built}, recommended ` +
    `indexes in ${indexTime}; whole bench ${seconds(benchStarted)}; load average ` +
    `${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
  const table = benchTable(rows, process.versions.node);
  console.log(`\n${table}\n\n${context}`);
  if (process.env.BENCH_PLANS) writeFileSync(process.env.BENCH_PLANS, plans.join("\n"));
  if (process.argv.includes("--write-docs")) {
    const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM`;
    const block = `<!-- bench:scale:start -->\n${table}\n\n${context}. Measured ${new Date().toISOString().slice(0, 10)} on ${machine}, PostgreSQL on the same host.\n<!-- bench:scale:end -->`;
    const page = "docs/benchmarks.md";
    const current = readFileSync(page, "utf8");
    writeFileSync(
      page,
      current.replace(/<!-- bench:scale:start -->[\s\S]*<!-- bench:scale:end -->/, block),
    );
    writeFileSync("docs/labpics-scale-plans.txt", plans.join("\n"));
  }
} finally {
  await pool.end();
  await database.drop();
}
