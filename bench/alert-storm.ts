// npm run bench:alerts: a storm of 10,000 alerts across 3 routes (ALERT_ROUTES), through
// the real app: real PostgreSQL, the fake Bot API over HTTP, ticks driven by hand. Counts
// the messages each destination got (one digest per destination per tick, within
// Telegram's ~20 a minute per group) and times the storm tick and the quiet ticks after
// it, beside the same storm sent to one destination in the same run.
import { applyShape } from "../src/console/demo/labpics-fixtures.js";
import { buildAlertApp, messagesTo, startApiHealth, tick } from "../test/kit/alerts.js";
import type { TestApp } from "../test/kit/build-test-app.js";
import { TEAM_GROUP } from "../test/kit/updates.js";
import { median } from "./lib.js";

const STUCK = 4_000;
const FAILED = 3_000;
const OVERDUE = 3_000;
const QUIET_TICKS = 10;
const CHATS = { stuck: -2001, failed: -2002, overdue: -2003 };
const ROUTES = `stuck_worker:*=${CHATS.stuck};job_failed=${CHATS.failed};job_overdue=${CHATS.overdue}`;
// Telegram: about 20 messages a minute to one group; a tick is a minute by default.
const PER_GROUP_PER_MINUTE = 20;

interface Figures {
  stormMs: number;
  quietMs: number;
  perDestination: Record<string, number>;
  total: number;
}

async function storm(t: TestApp): Promise<void> {
  await applyShape(t.pool, "reference");
  const now = Date.now();
  await t.pool.query(
    `INSERT INTO worker_runs (job_type, status, started_at)
     SELECT 'embeddings_refresh', 'running', $1::timestamptz FROM generate_series(1, $2)`,
    [new Date(now - 120 * 60_000), STUCK],
  );
  await t.pool.query(
    `INSERT INTO scheduled_jobs (job_type, status, last_status, next_run_at)
     SELECT 'failed_' || i, 'active', 'failed', $1::timestamptz FROM generate_series(1, $2) i`,
    [new Date(now + 60 * 60_000), FAILED],
  );
  await t.pool.query(
    `INSERT INTO scheduled_jobs (job_type, status, last_status, next_run_at)
     SELECT 'overdue_' || i, 'active', 'ok', $1::timestamptz FROM generate_series(1, $2) i`,
    [new Date(now - 60 * 60_000), OVERDUE],
  );
}

async function measure(apiUrl: string, routes: string | undefined): Promise<Figures> {
  const t = await buildAlertApp(apiUrl, { env: routes ? { ALERT_ROUTES: routes } : {} });
  try {
    await storm(t);
    let started = performance.now();
    await tick(t);
    const stormMs = performance.now() - started;
    const quiet: number[] = [];
    for (let i = 0; i < QUIET_TICKS; i++) {
      started = performance.now();
      await tick(t);
      quiet.push(performance.now() - started);
    }
    const perDestination = Object.fromEntries(
      [...Object.entries(CHATS), ["fallback", TEAM_GROUP.id] as const].map(([name, id]) => [
        name,
        messagesTo(t.fake, id).length,
      ]),
    );
    const total = t.fake.callsTo("sendMessage").length;
    return { stormMs, quietMs: median(quiet), perDestination, total };
  } finally {
    await t.close();
  }
}

const api = await startApiHealth();
try {
  const total = STUCK + FAILED + OVERDUE;
  console.log(`storm of ${total.toLocaleString()} alerts, one route (baseline)…`);
  const one = await measure(api.url, undefined);
  console.log(`storm of ${total.toLocaleString()} alerts across 3 routes…`);
  const three = await measure(api.url, ROUTES);
  const most = Math.max(...Object.values(three.perDestination));
  const ok =
    most <= 1 &&
    three.total <= 4 &&
    Object.values(three.perDestination).every((n) => n <= PER_GROUP_PER_MINUTE);
  console.log(`
| figure | 3 routes | 1 route (same run) | target | |
|---|---|---|---|---|
| messages per destination (storm + ${QUIET_TICKS} quiet ticks) | ${Object.entries(
    three.perDestination,
  )
    .map(([k, n]) => `${k} ${n}`)
    .join(", ")} | fallback ${one.perDestination.fallback} | 1 digest each | ${ok ? "✅" : "❌"} |
| messages in all (${QUIET_TICKS + 1} ticks) | ${three.total} | ${one.total} | ≤ 20 a minute per group | ${ok ? "✅" : "❌"} |
| storm tick (${total.toLocaleString()} new alerts) | ${three.stormMs.toFixed(0)} ms | ${one.stormMs.toFixed(0)} ms |  |  |
| quiet tick median after it | ${three.quietMs.toFixed(0)} ms | ${one.quietMs.toFixed(0)} ms |  |  |
`);
  if (!ok) process.exitCode = 1;
} finally {
  await api.close();
}
