// npm run bench: builds what it needs (a throwaway database with 1,000,000 worker_runs,
// the fake Bot API, the bot in webhook mode as a real process, a bare grammY baseline)
// and prints each figure beside its baseline and target. Loopback only; stops by itself.
// `npm run bench -- --write-docs` also writes the table into docs/benchmarks.md.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { Redis } from "ioredis";
import pg from "pg";
import {
  applyRecommendedIndexes,
  applyShape,
  fillLargeTables,
} from "../src/console/demo/labpics-fixtures.js";
import { startFakeBotApi } from "../test/kit/fake-bot-api.js";
import { createTestDatabase } from "../test/kit/postgres.js";
import {
  BENCH_REDIS_URL,
  BENCH_SECRET,
  BENCH_TOKEN,
  buildBot,
  loadWebhook,
  median,
  nextPort,
  pacedLatency,
  percentile,
  startBot,
  startProcess,
  timedCommand,
  benchTable,
  type BenchRow,
  type Proc,
} from "./lib.js";

const USERS = Array.from({ length: 50 }, (_, i) => 5000 + i);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const ROWS = { workerRuns: 1_000_000, running: 10_000, stuck: 200 };
// An even load well below saturation, for latency that is the bot's and not queueing.
const STEADY_RATE = 200;

const rows: BenchRow[] = [];
const record = (figure: string, value: string, baseline: string, target: string, ok?: boolean) => {
  rows.push({ figure, value, baseline, target, ok });
  console.log(`  ${figure}: ${value}${baseline ? `  (baseline ${baseline})` : ""}`);
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

const fake = await startFakeBotApi();
const database = await createTestDatabase();
const db = new pg.Pool({ connectionString: database.connectionString, max: 2 });
const processes: Proc[] = [];
const setup = { fake, databaseUrl: database.connectionString, viewerIds: USERS };

async function startTrackedBot(extra: Record<string, string> = {}) {
  const started = await startBot(setup, extra);
  processes.push(started.bot);
  return started;
}

const timedQuery = (url: string, text: string, updateId: number) =>
  timedCommand(url, USERS[updateId % USERS.length]!, text, updateId);

async function queryMedians(url: string, firstId: number) {
  const stuck: number[] = [];
  const jobs: number[] = [];
  for (let i = 0; i < 100; i++) {
    stuck.push(await timedQuery(url, "/stuck", firstId + 2 * i));
    jobs.push(await timedQuery(url, "/jobs", firstId + 2 * i + 1));
  }
  return { stuck: median(stuck), jobs: median(jobs) };
}

async function stuckPlan(): Promise<string> {
  const { rows: plan } = await db.query<{ "QUERY PLAN": string }>(
    `EXPLAIN SELECT id, started_at FROM worker_runs WHERE status = 'running' AND started_at < now() - interval '30 minutes'
      ORDER BY started_at LIMIT 50`,
  );
  return plan.map((r) => r["QUERY PLAN"]).join("\n");
}

try {
  // The bot runs as it does in production: compiled, on plain node.
  await buildBot();
  console.log(
    `opsbot benchmark — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `filling ${ROWS.workerRuns.toLocaleString()} worker_runs (${ROWS.running} running, ${ROWS.stuck} stuck)…`,
  );
  await applyShape(db, "reference");
  await fillLargeTables(db, new Date(), ROWS);
  // Settle the fresh tables now, so autovacuum does not compete with the first measurement.
  await db.query("VACUUM ANALYZE");

  // 1. Webhook throughput: bare grammY vs opsbot, /help (no database) and /jobs (database).
  console.log("webhook load (autocannon, 50 connections)…");
  const redis = new Redis(BENCH_REDIS_URL);
  await redis.flushdb();
  redis.disconnect();
  const barePort = nextPort();
  const bare = startProcess("bench/bare-bot.ts", {
    TELEGRAM_BOT_TOKEN: BENCH_TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: BENCH_SECRET,
    PORT: String(barePort),
  });
  processes.push(bare);
  await bare.waitFor(/bare bot listening/);
  const load = {
    secret: BENCH_SECRET,
    userIds: USERS,
    connections: 50,
    durationSeconds: LOAD_SECONDS,
  };
  const bareUrl = `http://127.0.0.1:${barePort}/`;
  // Each side gets the same warm-up (JIT, connection pools) before it is measured.
  const warmUp = (url: string, firstUpdateId: number) =>
    loadWebhook({ ...load, url, text: "/help", firstUpdateId, durationSeconds: 3 });
  await warmUp(bareUrl, 900_000_000);
  const bareHelp = await loadWebhook({ ...load, url: bareUrl, text: "/help", firstUpdateId: 1 });
  const paced = {
    secret: BENCH_SECRET,
    text: "/help",
    userIds: USERS,
    rate: STEADY_RATE,
    sockets: 50,
  };
  const bareSteady = await pacedLatency({
    ...paced,
    url: bareUrl,
    durationSeconds: LOAD_SECONDS,
    firstUpdateId: 1_000_000,
  });
  await bare.stop();

  await applyRecommendedIndexes(db);
  await db.query("ANALYZE");
  const { bot, url } = await startTrackedBot();
  await warmUp(url, 910_000_000);
  const help = await loadWebhook({ ...load, url, text: "/help", firstUpdateId: 10_000_000 });
  const steady = await pacedLatency({
    ...paced,
    url,
    durationSeconds: LOAD_SECONDS,
    firstUpdateId: 11_000_000,
  });
  const jobsLoad = await loadWebhook({ ...load, url, text: "/jobs", firstUpdateId: 20_000_000 });
  const ratio = help.requestsPerSecond / bareHelp.requestsPerSecond;
  record(
    "/help throughput",
    `${Math.round(help.requestsPerSecond)} req/s`,
    `${Math.round(bareHelp.requestsPerSecond)} req/s bare grammY`,
    "≥ 40% of bare",
    ratio >= 0.4,
  );
  record("/help throughput ratio", `${Math.round(ratio * 100)}%`, "", "≥ 40%", ratio >= 0.4);
  record(
    `/help p50 / p99 at an even ${STEADY_RATE} req/s`,
    `${ms(steady.p50)} / ${ms(steady.p99)}`,
    `${ms(bareSteady.p50)} / ${ms(bareSteady.p99)} bare`,
    "p99 < 25 ms",
    steady.p99 < 25,
  );
  record(
    "/help p50 / p99 saturated",
    `${ms(help.p50)} / ${ms(help.p99)}`,
    `${ms(bareHelp.p50)} / ${ms(bareHelp.p99)} bare`,
    "",
    undefined,
  );
  record("/jobs throughput", `${Math.round(jobsLoad.requestsPerSecond)} req/s`, "", "", undefined);
  record("/jobs p50 / p99", `${ms(jobsLoad.p50)} / ${ms(jobsLoad.p99)}`, "", "", undefined);
  const failures =
    [help, jobsLoad, bareHelp].reduce((n, r) => n + r.non2xx + r.errors, 0) +
    steady.failed +
    bareSteady.failed;
  record("non-2xx or errors under load", String(failures), "", "0", failures === 0);

  // 2. Query medians with and without the recommended index, through the real webhook.
  console.log("query medians with the recommended index…");
  const indexed = await queryMedians(url, 30_000_000);
  const planIndexed = await stuckPlan();
  await db.query(
    "DROP INDEX IF EXISTS worker_runs_running_started_at_idx, process_runs_running_started_at_idx",
  );
  await db.query("ANALYZE");
  console.log("…and without it");
  const bare2 = await queryMedians(url, 31_000_000);
  const planBare = await stuckPlan();
  await applyRecommendedIndexes(db);
  await db.query("ANALYZE");
  const seqScan = /Seq Scan on worker_runs/.test(planIndexed);
  record(
    "/stuck median (1M rows)",
    ms(indexed.stuck),
    `${ms(bare2.stuck)} without index`,
    "< 20 ms",
    indexed.stuck < 20,
  );
  record(
    "/jobs median (1M rows)",
    ms(indexed.jobs),
    `${ms(bare2.jobs)} without index`,
    "< 20 ms",
    indexed.jobs < 20,
  );
  record(
    "EXPLAIN /stuck: seq scan of worker_runs",
    seqScan ? "yes" : "no",
    /Seq Scan on worker_runs/.test(planBare) ? "yes without index" : "no without index",
    "no",
    !seqScan,
  );
  // 4. Sustained load: 1,000 updates a second across 50 chats; every accepted update
  //    answered exactly once, and a redelivery of each handled once.
  const SUSTAIN_SECONDS = Number(process.env.BENCH_SUSTAIN_SECONDS ?? 60);
  console.log(`sustained load: 1,000 updates/s for ${SUSTAIN_SECONDS} s across 50 chats…`);
  fake.reset();
  const first = 40_000_000;
  const sustained = await loadWebhook({
    ...load,
    url,
    text: "/whoami",
    firstUpdateId: first,
    durationSeconds: SUSTAIN_SECONDS,
    overallRate: 1000,
  });
  const replies = () => fake.callsTo("sendMessage").length;
  const settle = async () => {
    for (let last = -1; last !== replies();) {
      last = replies();
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  await settle();
  const answered = replies();
  // The same updates again, as Telegram redelivers: none may be answered twice.
  const redelivered = await loadWebhook({
    ...load,
    url,
    text: "/whoami",
    firstUpdateId: first,
    durationSeconds: 2,
    overallRate: 1000,
  });
  await settle();
  const duplicates = replies() - answered;
  record(
    `sustained 1,000 updates/s × ${SUSTAIN_SECONDS} s`,
    `${sustained.ok} accepted, ${answered} answered`,
    `p50 ${ms(sustained.p50)}, p99 ${ms(sustained.p99)}`,
    "none lost",
    // Requests still in flight when autocannon stops are answered but not counted as
    // accepted: at most one per connection.
    answered >= sustained.ok &&
      answered - sustained.ok <= load.connections &&
      sustained.non2xx + sustained.errors === 0,
  );
  record(
    "redelivered updates answered again",
    String(duplicates),
    `${redelivered.ok} redelivered`,
    "0",
    duplicates === 0,
  );
  const loadRss = bot.peakRssMb();
  await bot.stop();

  // 3. Watcher ticks with 10,000 stuck runs, alert latency, memory.
  console.log("watcher ticks with 10,000 stuck runs…");
  await db.query(
    "UPDATE worker_runs SET started_at = now() - interval '40 minutes' WHERE status = 'running'",
  );
  await db.query("ANALYZE worker_runs");
  const watching = await startTrackedBot({
    WATCH_CRON: "* * * * * *",
    LOG_LEVEL: "debug",
    ALERT_CHAT_ID: "-1001234567890",
    DOWN_AFTER_CHECKS: "1000",
  });
  const tickLines = () =>
    watching.bot.lines
      .filter((l) => l.includes("watcher tick finished"))
      .map((l) => (JSON.parse(l) as { ms: number }).ms);
  await watching.bot.waitFor(/watcher tick finished/, 60_000);
  // The first ticks after a deploy also fill the run history /runs reads, a day of runs
  // each; the steady ticks are those after it has caught up, as a running watcher's are.
  const caughtUp = async () => {
    const { rowCount } = await db.query(
      "SELECT 1 FROM opsbot.run_history_scan WHERE refreshed_to >= now() - interval '1 minute'",
    );
    return rowCount === 1;
  };
  while (!(await caughtUp())) await new Promise((r) => setTimeout(r, 200));
  const catchUp = tickLines();
  await new Promise((r) => setTimeout(r, 15_000));
  const steadyTicks = tickLines().slice(catchUp.length);
  record(
    "watcher tick median (10,000 stuck)",
    ms(median(steadyTicks)),
    `first tick (storm) ${ms(catchUp[0] ?? NaN)}; the ${catchUp.length} first (filling the run history) up to ${ms(Math.max(...catchUp))}`,
    "< 200 ms",
    median(steadyTicks) < 200,
  );

  const latencies: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { rows: inserted } = await db.query<{ id: string; crosses: Date }>(
      `INSERT INTO worker_runs (job_type, status, started_at)
       VALUES ('bench_latency', 'running', now() - interval '30 minutes' + interval '2 seconds')
       RETURNING id, started_at + interval '30 minutes' AS crosses`,
    );
    const { id, crosses } = inserted[0]!;
    const call = await fake.waitForCall(
      "sendMessage",
      (c) => String(c.params.text).includes(`stuck_worker:${id}`),
      20_000,
    );
    latencies.push(call.at - crosses.getTime());
  }
  record(
    "alert latency (threshold → fake Bot API)",
    ms(median(latencies)),
    `max ${ms(Math.max(...latencies))}`,
    "< 1 tick + 2 s (3 s)",
    Math.max(...latencies) < 3000,
  );
  const peak = Math.max(loadRss, watching.bot.peakRssMb());
  record(
    "peak RSS of the bot",
    `${peak.toFixed(0)} MB`,
    `load ${loadRss.toFixed(0)} MB, ticks ${watching.bot.peakRssMb().toFixed(0)} MB`,
    "< 150 MB",
    peak < 150,
  );
  record("tick p90", ms(percentile(steadyTicks, 90)), `${steadyTicks.length} ticks`, "", undefined);
  await watching.bot.stop();
} finally {
  for (const p of processes) await p.stop();
  await db.end();
  await fake.close();
  await database.drop();
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, PostgreSQL on the same host`;
const table = benchTable(rows, process.version);
console.log(`\n${table}\n\nMachine: ${machine}`);
if (process.argv.includes("--write-docs")) {
  const page = "docs/benchmarks.md";
  const current = readFileSync(page, "utf8");
  const block = `<!-- bench:start -->\n${table}\n\nMeasured ${new Date().toISOString().slice(0, 10)} on ${machine}.\n<!-- bench:end -->`;
  const updated = current.includes("<!-- bench:start -->")
    ? current.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, block)
    : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(page, updated);
}
process.exit(rows.some((r) => r.ok === false) ? 1 : 0);
