// Alert routing end to end: the real app and webhook, real PostgreSQL, the fake Bot API.
// ALERT_ROUTES sends each alert to the first route that matches; every destination gets
// one digest per tick, is delivered on its own, and one that fails holds up no other.
import { afterEach, describe, expect, it } from "vitest";
import type { TestApp } from "../kit/build-test-app.js";
import {
  buildAlertApp,
  insertStuckWorkers,
  messagesTo,
  messagesToTopic,
  outbox,
  probeFor,
  startBlockingBotApi,
  tick,
  useApiHealth,
  type SentMessage,
} from "../kit/alerts.js";
import { startFakeBotApi } from "../kit/fake-bot-api.js";
import { createFakeClock } from "../kit/fake-clock.js";
import { labpicsRows } from "../kit/labpics-rows.js";
import { TEAM_GROUP } from "../kit/updates.js";

const STUCK_CHAT = -1001;
const JOBS_CHAT = -1002;
const JOBS_TOPIC = 5;
const OTHER_JOBS_CHAT = -1003;
// job_failed matches both of the last two entries: the first wins.
const ROUTES = `stuck_worker:*=${STUCK_CHAT};job_failed=${JOBS_CHAT}:${JOBS_TOPIC};job_*=${OTHER_JOBS_CHAT}`;

const api = useApiHealth();

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  api.state.healthy = true;
  while (cleanup.length > 0) await cleanup.pop()!();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

async function build(
  env: Record<string, string> = {},
  options: Parameters<typeof buildAlertApp>[1] = {},
) {
  const t = await buildAlertApp(api.url, { ...options, env: { ALERT_ROUTES: ROUTES, ...env } });
  cleanup.push(() => t.close());
  const rows = labpicsRows(t.pool, "reference");
  await rows.reset();
  return { t, rows };
}

/** A storm for three routes: stuck runs, failed jobs, overdue jobs. */
async function storm(t: TestApp, rows: ReturnType<typeof labpicsRows>, stuck: number) {
  await insertStuckWorkers(t.pool, new Date(), stuck);
  for (const job of ["invoice_export", "daily_digest"]) {
    await rows.job({ jobType: job, lastStatus: "failed", nextRunAt: minutesAgo(-5) });
  }
  for (const job of ["sync_signals", "embeddings_refresh", "cleanup"]) {
    await rows.job({ jobType: job, lastStatus: "ok", nextRunAt: minutesAgo(60) });
  }
}

const quiet = (m: SentMessage) => (m as { disable_notification?: boolean }).disable_notification;

describe("ALERT_ROUTES end to end", () => {
  it("a storm across 3 routes is one digest per destination, the first matching route wins, warnings are quiet", async () => {
    const clock = createFakeClock(new Date());
    const { t, rows } = await build({}, { clock });
    await storm(t, rows, 1500);
    await tick(t);

    const stuck = messagesTo(t.fake, STUCK_CHAT);
    const failed = messagesTo(t.fake, JOBS_CHAT);
    const overdue = messagesTo(t.fake, OTHER_JOBS_CHAT);
    const fallback = messagesTo(t.fake, TEAM_GROUP.id);
    expect([stuck.length, failed.length, overdue.length, fallback.length]).toEqual([1, 1, 1, 1]);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(4);

    expect(stuck[0]!.text).toContain("stuck_worker ×1500");
    expect(stuck[0]!.text).toMatch(/\+[\d,]+ more/);
    expect(stuck[0]!.text.length).toBeLessThanOrEqual(4096);
    expect(failed[0]!.message_thread_id).toBe(JOBS_TOPIC);
    expect(failed[0]!.text).toContain("job_failed ×2");
    expect(failed[0]!.text).not.toContain("job_overdue");
    expect(overdue[0]!.text).toContain("job_overdue ×3");
    expect(overdue[0]!.text).not.toContain("job_failed");
    for (const m of [...stuck, ...failed, ...overdue]) expect(quiet(m)).toBe(true);
    // What no route claims goes to ALERT_CHAT_ID: overdue jobs and no run started is a
    // stalled scheduler, critical, so it makes a sound.
    expect(fallback[0]!.text).toContain("scheduler_stalled ×1");
    expect(fallback[0]!.text).toContain("🔴 critical");
    expect(quiet(fallback[0]!)).toBe(false);

    // A destination's next alert comes as its own digest (api_down, critical).
    api.state.healthy = false;
    t.fake.reset();
    await probeFor(t, clock, 40_000, 10_000);
    const paged = messagesTo(t.fake, TEAM_GROUP.id);
    expect(paged).toHaveLength(1);
    expect(paged[0]!.text).toContain("api_down");
    expect(paged[0]!.text).toContain("🔴 critical");
    expect(quiet(paged[0]!)).toBe(false);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(1);
  });

  it("a destination that fails (bot kicked) backs off alone: the others are delivered the same tick and after", async () => {
    const fake = await startFakeBotApi();
    cleanup.push(() => fake.close());
    const blocked = new Set([JOBS_CHAT]);
    const proxy = await startBlockingBotApi(fake, blocked);
    cleanup.push(() => proxy.close());
    const { t, rows } = await build({ TELEGRAM_API_ROOT: proxy.apiRoot }, { fake });
    await storm(t, rows, 3);
    await tick(t);

    expect(messagesTo(fake, STUCK_CHAT)).toHaveLength(1);
    expect(messagesTo(fake, OTHER_JOBS_CHAT)).toHaveLength(1);
    expect(messagesTo(fake, JOBS_CHAT)).toEqual([]);
    const failedRow = (await outbox(t.pool)).find((r) => r.chat_id === JOBS_CHAT)!;
    expect(failedRow).toMatchObject({ sent_at: null, attempts: 1 });
    expect(failedRow.last_error).toContain("403");
    expect(failedRow.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 30_000);

    // While it backs off, new alerts elsewhere are sent at once; it is not tried again.
    await insertStuckWorkers(t.pool, new Date(), 1);
    await rows.job({ jobType: "nightly_report", lastStatus: "failed", nextRunAt: minutesAgo(-5) });
    fake.reset();
    await tick(t);
    expect(messagesTo(fake, STUCK_CHAT)).toHaveLength(1);
    expect(fake.callsTo("sendMessage")).toHaveLength(1);
    const waiting = (await outbox(t.pool)).filter((r) => r.chat_id === JOBS_CHAT);
    expect(waiting.map((r) => [r.attempts, r.sent_at])).toEqual([
      [1, null],
      [0, null],
    ]);

    // The chat is back and the backoff over: its two digests go, oldest first.
    blocked.clear();
    await t.pool.query(
      `UPDATE opsbot.outbox SET next_attempt_at = now() - interval '1 second'
        WHERE sent_at IS NULL`,
    );
    await tick(t);
    const delivered = messagesToTopic(fake, JOBS_CHAT, JOBS_TOPIC);
    expect(delivered).toHaveLength(2);
    expect(delivered[0]!.text).toContain("job_failed ×2");
    expect(delivered[1]!.text).toContain("job_failed ×1");
    expect((await outbox(t.pool)).every((r) => r.sent_at !== null)).toBe(true);
  });
});
