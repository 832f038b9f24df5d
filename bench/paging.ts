// npm run bench:paging: time-to-page of an API outage, opsbot's probe loop beside a real
// Prometheus → real Alertmanager → opsbot's POST /alertmanager, in the same run and on the
// same outages. One stand-in API serves /health (opsbot's probes) and /metrics (Prometheus's
// scrape, `up`); both fail together. Time is scaled down (PROBE_SECONDS=1,
// DOWN_AFTER_SECONDS=5), and both paths have the same blip immunity: Prometheus scrapes
// every PROBE_SECONDS and its rule holds `for: DOWN_AFTER_SECONDS`. Outages are of mixed
// lengths; blips (shorter than DOWN_AFTER_SECONDS − PROBE_SECONDS) must page neither path.
// Time-to-page = the first firing message accepted by the fake Bot API for the outage
// minus the outage's start. Then a second bot process, with an on-call rota and a scaled
// ESCALATION, times each escalation step against its due time (bench/escalation-timing.ts).
// Loopback only; every process is stopped at the end.
import { applyShape } from "../src/console/demo/labpics-fixtures.js";
import { createPool } from "../src/db/pool.js";
import {
  alertmanagerConfig,
  hasAlertmanager,
  hasPrometheus,
  startAlertmanager,
  startPrometheus,
} from "../test/alertmanager/alertmanager-process.js";
import { eventually } from "../test/kit/eventually.js";
import { startFakeBotApi, type RecordedCall } from "../test/kit/fake-bot-api.js";
import { createTestDatabase } from "../test/kit/postgres.js";
import { TEAM_GROUP } from "../test/kit/updates.js";
import { escalationPhase } from "./escalation-timing.js";
import { benchTable, buildBot, percentile, startBot, type BenchRow, type Proc } from "./lib.js";
import { isFiring, seconds, sleep, startStandInApi } from "./paging-kit.js";

const PROBE_SECONDS = 1;
const DOWN_AFTER_SECONDS = 5;
const UP_AFTER_SECONDS = 2;
const TOKEN = "bench-token_0123456789abcdef";
const ALERTNAME = "LabpicsApiDown";
// Long enough that both paths page (Prometheus fires at its first evaluation past `for:`).
const OUTAGE_SECONDS = [9, 10, 11, 12, 9.5, 10.5, 11.5, 12, 9, 10, 11, 12];
// Below DOWN_AFTER_SECONDS − PROBE_SECONDS: a probe that passes always falls inside.
const BLIP_SECONDS = [1, 2, 3, 1.5, 2.5, 3, 1, 2];
// Healthy time after each, so that both paths have resolved before the next one.
const AFTER_OUTAGE_SECONDS = 6;
const AFTER_BLIP_SECONDS = 4;
const P95_TARGET_MS = (DOWN_AFTER_SECONDS + PROBE_SECONDS + 2) * 1000;

const RULES = `groups:
  - name: bench
    rules:
      - alert: ${ALERTNAME}
        expr: up{job="labpics-server"} == 0
        for: ${DOWN_AFTER_SECONDS}s
        labels: { severity: critical }
        annotations: { summary: "LabPics API down (Prometheus)" }
`;

interface Injected {
  kind: "outage" | "blip";
  start: number;
  /** The next one's start (or the end of the run): its pages fall in between. */
  until: number;
}

type Path = "opsbot" | "prometheus";

const PAGE_OF: Record<Path, (text: string) => boolean> = {
  opsbot: (text) => isFiring(text) && text.includes("api_down"),
  prometheus: (text) => isFiring(text) && text.includes(`am:${ALERTNAME}:`),
};

/** Outages and blips interleaved, as a fixed schedule (the same every run). */
function schedule(): { kind: Injected["kind"]; seconds: number }[] {
  const order: { kind: Injected["kind"]; seconds: number }[] = [];
  for (let i = 0; i < Math.max(OUTAGE_SECONDS.length, BLIP_SECONDS.length); i++) {
    if (i < OUTAGE_SECONDS.length) order.push({ kind: "outage", seconds: OUTAGE_SECONDS[i]! });
    if (i < BLIP_SECONDS.length) order.push({ kind: "blip", seconds: BLIP_SECONDS[i]! });
  }
  return order;
}

/** Fails the stand-in API for each entry of the schedule in turn; returns what it did. */
async function inject(api: { healthy: boolean }): Promise<Injected[]> {
  const done: Injected[] = [];
  for (const [i, step] of schedule().entries()) {
    const start = Date.now();
    api.healthy = false;
    await sleep(step.seconds * 1000);
    api.healthy = true;
    const after = step.kind === "outage" ? AFTER_OUTAGE_SECONDS : AFTER_BLIP_SECONDS;
    await sleep(after * 1000);
    done.push({ kind: step.kind, start, until: Date.now() });
    console.log(`  ${i + 1}. ${step.kind} of ${step.seconds} s`);
  }
  return done;
}

/** Each injected outage's pages on one path, from the fake Bot API's record. */
function pagesOf(calls: readonly RecordedCall[], path: Path, injected: readonly Injected[]) {
  const pages = calls.filter(
    (c) => Number(c.params.chat_id) === TEAM_GROUP.id && PAGE_OF[path](String(c.params.text)),
  );
  return injected.map((o) => pages.filter((p) => p.at >= o.start && p.at < o.until));
}

function figures(calls: readonly RecordedCall[], path: Path, injected: readonly Injected[]) {
  const pages = pagesOf(calls, path, injected);
  const outages = injected.flatMap((o, i) => (o.kind === "outage" ? [pages[i]!] : []));
  const timeToPage = injected.flatMap((o, i) =>
    o.kind === "outage" && pages[i]![0] ? [pages[i]![0].at - o.start] : [],
  );
  return {
    paged: outages.filter((p) => p.length > 0).length,
    outages: outages.length,
    p50: percentile(timeToPage, 50),
    p95: percentile(timeToPage, 95),
    blipPages: injected.reduce((n, o, i) => n + (o.kind === "blip" ? pages[i]!.length : 0), 0),
    blips: injected.filter((o) => o.kind === "blip").length,
  };
}

type Figures = ReturnType<typeof figures>;

function rows(ours: Figures, prom: Figures): BenchRow[] {
  return [
    {
      figure: `time-to-page p50 (${ours.outages} outages of ${Math.min(...OUTAGE_SECONDS)}–${Math.max(...OUTAGE_SECONDS)} s)`,
      value: seconds(ours.p50),
      baseline: `${seconds(prom.p50)} Prometheus → Alertmanager`,
      target: "≤ the Prometheus path's p50",
      ok: ours.p50 <= prom.p50,
    },
    {
      figure: "time-to-page p95",
      value: seconds(ours.p95),
      baseline: `${seconds(prom.p95)} Prometheus → Alertmanager`,
      target: `≤ DOWN_AFTER_SECONDS + PROBE_SECONDS + 2 s = ${seconds(P95_TARGET_MS)}`,
      ok: ours.p95 <= P95_TARGET_MS,
    },
    {
      figure: "outages paged",
      value: `${ours.paged} of ${ours.outages}`,
      baseline: `${prom.paged} of ${prom.outages}`,
      target: "every one",
      ok: ours.paged === ours.outages,
    },
    {
      figure: `pages for ${ours.blips} blips of ${Math.min(...BLIP_SECONDS)}–${Math.max(...BLIP_SECONDS)} s`,
      value: String(ours.blipPages),
      baseline: String(prom.blipPages),
      target: "0",
      ok: ours.blipPages === 0,
    },
  ];
}

if (!hasPrometheus() || !hasAlertmanager()) {
  throw new Error("bench:paging needs /usr/bin/prometheus and /usr/bin/prometheus-alertmanager");
}

const stops: (() => Promise<unknown>)[] = [];
/** Stops what was started, last first. */
async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    await stop().catch((error: unknown) => console.error(error));
  }
}
try {
  await buildBot();
  const database = await createTestDatabase({ migrated: true });
  stops.push(() => database.drop());
  const pool = createPool({ connectionString: database.connectionString, max: 1 });
  await applyShape(pool, "reference");
  await pool.end();

  const health = { healthy: true };
  const api = await startStandInApi(health);
  stops.push(() => api.close());
  const fake = await startFakeBotApi();
  stops.push(() => fake.close());

  const started = await startBot(
    { fake, databaseUrl: database.connectionString, viewerIds: [5000] },
    {
      API_HEALTH_URL: `${api.url}/health`,
      ALERT_CHAT_ID: String(TEAM_GROUP.id),
      ALERTMANAGER_TOKEN: TOKEN,
      PROBE_SECONDS: String(PROBE_SECONDS),
      DOWN_AFTER_SECONDS: String(DOWN_AFTER_SECONDS),
      UP_AFTER_SECONDS: String(UP_AFTER_SECONDS),
      ALERT_REPEAT_MINUTES: "100000",
    },
  );
  const bot: Proc = started.bot;
  stops.push(() => bot.stop());

  const am = await startAlertmanager(
    alertmanagerConfig(new URL("/alertmanager", started.url).href, TOKEN),
  );
  stops.push(() => am.stop());
  const prometheus = await startPrometheus({
    scrapeUrl: `${api.url}/metrics`,
    alertmanagerUrl: am.url,
    rules: RULES,
  });
  stops.push(() => prometheus.stop());
  const scrapesBefore = api.requests();
  await eventually(() => api.requests() >= scrapesBefore + 4, 15_000, "probes and scrapes");

  console.log(
    `${OUTAGE_SECONDS.length} outages and ${BLIP_SECONDS.length} blips, PROBE_SECONDS=${PROBE_SECONDS}, DOWN_AFTER_SECONDS=${DOWN_AFTER_SECONDS}:`,
  );
  const injected = await inject(health);
  const calls = [...fake.calls];
  const ours = figures(calls, "opsbot", injected);
  const prom = figures(calls, "prometheus", injected);
  // The first phase's processes are stopped, so that they do not share the cores.
  await stopAll();
  const table = [...rows(ours, prom), ...(await escalationPhase(stops))];
  console.log(`\n${benchTable(table, process.versions.node)}\n`);
  if (table.some((r) => r.ok === false)) process.exitCode = 1;
} finally {
  await stopAll();
}
