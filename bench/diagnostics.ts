// npm run bench:on-call: the figures of /runs, its chart and /pg. A throwaway database
// gets BENCH_RUNS_ROWS worker_runs (default 10,000,000, a year of 15 job types) and the
// recommended indexes; each figure is the median of repeated in-process calls, the way
// the command handlers make them. Prints EXPLAIN of the /runs summary as evidence. /runs is
// timed exactly from worker_runs (as before migration 0007) and from the summaries the
// watcher keeps (src/checks/listings/run-summaries.ts), filled here as the watcher's first ticks would.
// Then the bot as production runs it (built, a process in webhook mode, the fake Bot API):
// /runs JOB end to end through its webhook, and the bot's own peak RSS with the chart.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { createRunChartRenderer } from "../src/charts/run-durations.js";
import { runChartLabels } from "../src/bot/render/runs.js";
import { createTranslator } from "../src/i18n/catalogue.js";
import { readPgActivity } from "../src/checks/listings/pg-activity.js";
import { historyRefreshedTo, refreshRunHistory } from "../src/checks/listings/run-history.js";
import { jobHistory, summarizeRuns } from "../src/checks/listings/runs.js";
import { applyRecommendedIndexes, applyShape } from "../src/console/demo/labpics-fixtures.js";
import { migrate } from "../src/db/migrate.js";
import { createPool } from "../src/db/pool.js";
import { startFakeBotApi, type RecordedCall } from "../test/kit/fake-bot-api.js";
import { createTestDatabase } from "../test/kit/postgres.js";
import { buildBot, median, startBot, timedCommand, timedMedian, type Proc } from "./lib.js";

const ROWS = Number(process.env.BENCH_RUNS_ROWS ?? 10_000_000);
const DAYS = 365;
const REPEAT = 30;
const VIEWER = 5000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// The machine is shared: its load beside the figures says how far to trust them.
const loadAtStart = loadavg()[0]!;
const database = await createTestDatabase();
const pool = createPool({
  connectionString: database.connectionString,
  max: 4,
  statementTimeoutMs: 600_000,
});
const now = new Date();

const timed = (what: string, fn: () => unknown) => timedMedian(what, REPEAT, fn);

const peakRssMb = () =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) / 1024;

const isPngPhoto = (call: RecordedCall) => {
  const photo = call.params.photo as { content?: Buffer } | undefined;
  return photo?.content?.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE) === true;
};

/**
 * /runs job_3 from a viewer through the webhook of the built bot, REPEAT times after one to
 * warm up, each timed until the 200 (the bot answers it once its three replies are sent).
 */
async function botRunsJob() {
  const fake = await startFakeBotApi();
  let bot: Proc | undefined;
  try {
    const started = await startBot({
      fake,
      databaseUrl: database.connectionString,
      viewerIds: [VIEWER],
    });
    bot = started.bot;
    const afterStartMb = bot.peakRssMb();
    // Past any earlier run's update ids: Redis remembers the ids it has seen for a while.
    let updateId = Date.now();
    const send = () => timedCommand(started.url, VIEWER, "/runs job_3", updateId++);
    const first = await send();
    const times: number[] = [];
    for (let i = 0; i < REPEAT; i++) times.push(await send());
    const photos = fake.callsTo("sendPhoto").filter(isPngPhoto).length;
    if (photos !== REPEAT + 1) {
      throw new Error(`the fake Bot API got ${photos} PNG photos for ${REPEAT + 1} /runs job_3`);
    }
    return { first, median: median(times), photos, afterStartMb, peakMb: bot.peakRssMb() };
  } finally {
    await bot?.stop();
    await fake.close();
  }
}

try {
  // The bot runs as it does in production: compiled, on plain node.
  await buildBot();
  console.log(`filling ${ROWS.toLocaleString()} worker_runs over ${DAYS} days…`);
  const fillStarted = performance.now();
  await applyShape(pool, "reference");
  // Evenly spread starts; 2% failed; durations 5-300 s; job types by row number.
  await pool.query(
    `INSERT INTO worker_runs (job_type, status, started_at, finished_at, error)
     SELECT 'job_' || (i % 15), CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'ok' END, s,
            s + make_interval(secs => 5 + (i::bigint * 7919) % 295),
            CASE WHEN i % 50 = 0 THEN 'upstream timeout after 30 s' END
       FROM generate_series(1, $1::int) AS i,
            LATERAL (SELECT $2::timestamptz - make_interval(secs => ($3::float8 * 86400 * i / $1))) AS t(s)`,
    [ROWS, now, DAYS],
  );
  await applyRecommendedIndexes(pool);
  await pool.query("VACUUM ANALYZE worker_runs");
  console.log(`  filled and indexed in ${((performance.now() - fillStarted) / 1000).toFixed(0)} s`);

  const query = { shape: "reference" as const, now };
  const { rows: plan } = await pool.query<{ "QUERY PLAN": string }>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
     SELECT job_type, count(*), percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
       FROM worker_runs WHERE started_at >= $1 GROUP BY job_type`,
    [new Date(now.getTime() - 7 * 86_400_000)],
  );
  console.log(plan.map((r) => `    ${r["QUERY PLAN"]}`).join("\n"));

  console.log("figures:");
  await migrate(pool);
  const exact = await timed("/runs exactly from worker_runs (history not kept)", () =>
    summarizeRuns(pool, query),
  );
  const historyStarted = performance.now();
  let refreshes = 0;
  while (((await historyRefreshedTo(pool)) ?? -Infinity) < now.getTime()) {
    await refreshRunHistory(pool, "reference", now);
    refreshes++;
  }
  console.log(
    `  history kept: ${refreshes} refreshes, ${((performance.now() - historyStarted) / 1000).toFixed(1)} s`,
  );
  const refresh = await timed("the watcher's refresh of the history (a tick's share)", () =>
    refreshRunHistory(pool, "reference", now),
  );
  const runs = await timed("/runs (every job, 24 h and 7 d) from the history", () =>
    summarizeRuns(pool, query),
  );
  const job = await timed("/runs JOB (last 20 and the week)", () =>
    jobHistory(pool, { ...query, job: "job_3" }),
  );
  const week = await jobHistory(pool, { ...query, job: "job_3" });
  const from = new Date(now.getTime() - 7 * 86_400_000);
  const charts = createRunChartRenderer();
  const { columns } = week.week;
  const runsCharted = columns.reduce((n, c) => n + c.runs, 0);
  const chart = await timed(`chart of ${runsCharted} runs (${columns.length} columns)`, () =>
    charts.render({
      title: "job_3 — run durations, 7 days",
      labels: runChartLabels(createTranslator("en")),
      ranges: columns,
      from,
      to: now,
    }),
  );
  const pg = await timed("/pg (all parts)", () => readPgActivity(pool));
  const benchRss = peakRssMb();
  console.log(
    `  peak RSS of this bench process (tsx, the data load, charts): ${benchRss.toFixed(0)} MB`,
  );

  // The history as the running watcher keeps it: fresh for the bot's clock, not the fill's.
  await refreshRunHistory(pool, "reference", new Date());
  const bot = await botRunsJob();
  console.log(
    `  /runs job_3 through the bot's webhook (summary, last 20, chart sent as a PNG): ` +
      `${bot.median.toFixed(1)} ms median of ${REPEAT}, first ${bot.first.toFixed(1)} ms; ` +
      `${bot.photos} PNG photos at the fake Bot API`,
  );
  console.log(
    `  peak RSS of the bot process (dist/main.js, the image's NODE_OPTIONS): ${bot.peakMb.toFixed(0)} MB ` +
      `(${bot.afterStartMb.toFixed(0)} MB after its start, before /runs)`,
  );
  const inProcess = runs + job + chart;
  console.log(
    `baseline: /runs exactly ${exact.toFixed(1)} ms; refresh per tick ${refresh.toFixed(1)} ms; ` +
      `in-process /runs + /runs JOB + chart ${inProcess.toFixed(1)} ms; ` +
      `bench process RSS ${benchRss.toFixed(0)} MB (not the bot's)\n` +
      `targets: /runs ≤ 50 ms ${runs <= 50 && job <= 50 ? "ok" : "MISSED"}; chart ≤ 150 ms ${chart <= 150 ? "ok" : "MISSED"}; ` +
      `/pg ≤ 20 ms ${pg <= 20 ? "ok" : "MISSED"}; bot's RSS ≤ 150 MB ${bot.peakMb <= 150 ? "ok" : "MISSED"}\n` +
      `load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`,
  );
} finally {
  await pool.end();
  await database.drop();
}
