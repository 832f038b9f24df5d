// The alert watcher end to end: real PostgreSQL holding the LabPics tables and the bot's
// alert state, the real grammY client sending to the fake Bot API (which fails on
// demand), and a stand-in for the API's /health. Ticks are driven by hand (unique tick
// keys); the cron itself is watcher-cron.slow.test.ts's.
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import { migrate } from "../../src/db/migrate.js";
import { createPool } from "../../src/db/pool.js";
import type { TestApp } from "../kit/build-test-app.js";
import {
  buildAlertApp,
  buttonData,
  finishWorkers,
  insertStuckWorkers,
  messagesTo,
  outbox,
  startStubServer,
  tick,
  ticks,
  useApiHealth,
} from "../kit/alerts.js";
import { startFakeBotApi } from "../kit/fake-bot-api.js";
import { createFakeClock, HOUR, MINUTE } from "../kit/fake-clock.js";
import { createTestDatabase } from "../kit/postgres.js";
import { createUpdates, OPERATOR, privateChat, TEAM_GROUP } from "../kit/updates.js";

const api = useApiHealth();

/** Everything a test opened, closed after it whatever happened. */
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  api.state.healthy = true;
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function build(options: Parameters<typeof buildAlertApp>[1] = {}): Promise<TestApp> {
  const t = await buildAlertApp(api.url, options);
  cleanup.push(() => t.close());
  return t;
}

const now = () => new Date();
/** src/db/migrate.ts's advisory lock: whoever holds it is migrating. */
const MIGRATION_LOCK = 7_146_001;
/** A counter's value, summed over the series whose labels include `label`. */
const counter = async (
  t: TestApp,
  name: "ticks" | "alertsSent" | "alertsFailed",
  label: Record<string, string> = {},
) => {
  const metric = await t.app.metrics[name].get();
  return metric.values
    .filter((v) => {
      const labels = v.labels as Record<string, string | number | undefined>;
      return Object.entries(label).every(([k, want]) => labels[k] === want);
    })
    .reduce((sum, v) => sum + v.value, 0);
};

describe("grouping", () => {
  it("turns a storm of 5,000 stuck runs into one digest under 4096 characters with counts and +N more", async () => {
    const t = await build();
    await t.pool.query(
      `INSERT INTO worker_runs (job_type, status, started_at)
       SELECT 'job_' || (g % 7), 'running', now() - interval '2 hours' - g * interval '1 second'
         FROM generate_series(1, 4990) g`,
    );
    await t.pool.query(
      `INSERT INTO process_runs (process, status, started_at)
       SELECT 'proc_' || g, 'running', now() - interval '3 hours' FROM generate_series(1, 10) g`,
    );

    await tick(t);

    const sent = messagesTo(t.fake);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message_thread_id).toBeUndefined(); // no ALERT_THREAD_ID: the group itself
    const text = sent[0]!.text;
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain("5,000 alerts firing");
    expect(text).toContain("stuck_worker ×4990");
    expect(text).toContain("stuck_process ×10");
    const shown = text.split("\n").filter((line) => line.startsWith("• ")).length;
    // In the locale's digits: "+4,744 more".
    const more = Number(/\+([\d,]+) more/.exec(text)?.[1]?.replace(/,/g, ""));
    expect(shown).toBeGreaterThan(0);
    expect(shown + more).toBe(5000);
    // Nothing silently dropped: the one notification carries every alert.
    const rows = await outbox(t.pool);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.fingerprints).toHaveLength(5000);
    expect(rows[0]!.sent_at).not.toBeNull();

    await t.pool.query("UPDATE worker_runs SET status = 'ok', finished_at = now()");
    await t.pool.query("UPDATE process_runs SET status = 'ok', finished_at = now()");
    await tick(t);
    const after = messagesTo(t.fake);
    expect(after).toHaveLength(2);
    expect(after[1]!.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(after[1]!.text).toContain("Resolved: 5,000 alerts");
    expect(after[1]!.text).toMatch(/\+[\d,]+ more/);
  });
});

describe("episodes", () => {
  it("announces an alert again when it fires anew after it resolved", async () => {
    const t = await build();
    const [id] = await insertStuckWorkers(t.pool, now());
    await tick(t);
    await finishWorkers(t.pool, [id!]);
    await tick(t);
    await t.pool.query("UPDATE worker_runs SET status = 'running', finished_at = NULL");
    await tick(t);
    await tick(t);

    const sent = messagesTo(t.fake).map((m) => m.text);
    expect(sent).toHaveLength(3);
    expect(sent[0]).toContain("1 alert firing");
    expect(sent[1]).toContain("Resolved: 1 alert");
    expect(sent[2]).toContain("1 alert firing");
    for (const text of sent) expect(text).toContain(`stuck_worker:${id}`);
  });
});

describe("durable delivery", () => {
  it("sends nothing for an alert that fired and cleared before it could be sent, and cancels its outbox row", async () => {
    const clock = createFakeClock(now());
    const t = await build({ clock });
    const [id] = await insertStuckWorkers(t.pool, clock.now());
    t.fake.failNext("sendMessage", { kind: "500" });
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(1); // the attempt that failed

    await finishWorkers(t.pool, [id!]);
    // Past the retry backoff: the row is due again, and found to be about nothing.
    clock.advance(MINUTE);
    await ticks(t, 3);

    expect(messagesTo(t.fake)).toHaveLength(1);
    const [row] = await outbox(t.pool);
    expect(row).toMatchObject({ kind: "firing", sent_at: null });
    expect(row!.cancelled_at).not.toBeNull();
    expect(await outbox(t.pool)).toHaveLength(1);
  });

  it("waits out a 429 with retry_after 1 inside the tick and delivers once", async () => {
    // The app's waits, recorded and not waited.
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    const t = await build({ sleep });
    await insertStuckWorkers(t.pool, now());
    t.fake.failNext("sendMessage", { kind: "429", retryAfter: 1 });

    await tick(t);

    expect(t.fake.callsTo("sendMessage")).toHaveLength(2);
    expect(waits).toEqual([1_000]);
    const rows = await outbox(t.pool);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sent_at).not.toBeNull();

    await ticks(t, 2);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(2);
  });

  it("leaves a 429 with a long retry_after to a later tick, once it is due", async () => {
    const t = await build();
    const [id] = await insertStuckWorkers(t.pool, now());
    t.fake.failNext("sendMessage", { kind: "429", retryAfter: 30 });

    const before = Date.now();
    await tick(t);
    const after = Date.now();

    expect(messagesTo(t.fake)).toHaveLength(1);
    const [row] = await outbox(t.pool);
    expect(row!.sent_at).toBeNull();
    expect(row!.last_error).toContain("429");
    const due = row!.next_attempt_at.getTime();
    expect(due).toBeGreaterThanOrEqual(before + 30_000);
    expect(due).toBeLessThanOrEqual(after + 30_000);

    // Not due yet: the next tick leaves it, and does not queue the alert a second time.
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(1);
    expect(await outbox(t.pool)).toHaveLength(1);

    // Thirty seconds pass.
    await t.pool.query(
      "UPDATE opsbot.outbox SET next_attempt_at = next_attempt_at - interval '31 seconds'",
    );
    await tick(t);
    const sent = messagesTo(t.fake);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.text).toContain(`stuck_worker:${id}`);
    expect((await outbox(t.pool))[0]!.sent_at).not.toBeNull();

    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(2);
  });

  it("retries a 500 on later ticks with backoff and delivers exactly once", async () => {
    const clock = createFakeClock(now());
    const t = await build({ clock });
    await insertStuckWorkers(t.pool, clock.now());
    t.fake.failNext("sendMessage", { kind: "500" }, 3);

    await tick(t);
    // Backing off: a tick right away does not try again.
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      clock.advance(MINUTE);
      await tick(t);
    }
    expect(messagesTo(t.fake)).toHaveLength(3);
    expect((await outbox(t.pool))[0]).toMatchObject({ sent_at: null, attempts: 3 });

    clock.advance(MINUTE);
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(4);
    const [row] = await outbox(t.pool);
    expect(row!.sent_at).not.toBeNull();
    expect(await counter(t, "alertsSent", { kind: "firing" })).toBe(1);
    expect(await counter(t, "alertsFailed")).toBe(3);

    await ticks(t, 2);
    expect(messagesTo(t.fake)).toHaveLength(4);
  });

  it("follows a group that became a supergroup, records it, and logs it", async () => {
    const NEW_CHAT = -1001111111111;
    const t = await build();
    await insertStuckWorkers(t.pool, now());
    t.fake.failNext("sendMessage", { kind: "migrate", toChatId: NEW_CHAT });

    await tick(t);

    expect(messagesTo(t.fake, TEAM_GROUP.id)).toHaveLength(1);
    expect(messagesTo(t.fake, NEW_CHAT)).toHaveLength(1);
    expect(messagesTo(t.fake, NEW_CHAT)[0]!.text).toContain("1 alert firing");
    const { rows } = await t.pool.query<{ from_chat_id: number; to_chat_id: number }>(
      "SELECT from_chat_id, to_chat_id FROM opsbot.chat_migrations",
    );
    expect(rows).toEqual([{ from_chat_id: TEAM_GROUP.id, to_chat_id: NEW_CHAT }]);
    const logged = t.logs
      .entries()
      .find((e) => String(e.msg).includes("supergroup") && e.to === NEW_CHAT);
    expect(logged).toMatchObject({ from: TEAM_GROUP.id, to: NEW_CHAT });
    expect((await outbox(t.pool))[0]!.sent_at).not.toBeNull();

    // Later alerts go straight to the new chat.
    await insertStuckWorkers(t.pool, now());
    await tick(t);
    expect(messagesTo(t.fake, TEAM_GROUP.id)).toHaveLength(1);
    expect(messagesTo(t.fake, NEW_CHAT)).toHaveLength(2);
  });

  it("falls back to plain text once when Telegram cannot parse the entities", async () => {
    const t = await build();
    const [id] = await insertStuckWorkers(t.pool, now());
    t.fake.failNext("sendMessage", { kind: "cant-parse-entities" });

    await tick(t);

    const sent = messagesTo(t.fake);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.parse_mode).toBe("HTML");
    expect(sent[1]!.parse_mode).toBeUndefined();
    expect(sent[1]!.text).not.toMatch(/<\/?(b|code|i)>/);
    expect(sent[1]!.text).toContain(`stuck_worker:${id}`);
    expect(buttonData(sent[1]!)).toHaveLength(3);
    const rows = await outbox(t.pool);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sent_at).not.toBeNull();

    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(2);
  });
});

describe("repeat interval", () => {
  it("repeats a firing alert only after ALERT_REPEAT_MINUTES", async () => {
    const clock = createFakeClock();
    const t = await build({ clock, env: { ALERT_REPEAT_MINUTES: "240" } });
    const [id] = await insertStuckWorkers(t.pool, clock.now());

    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(1);

    for (const step of [1, 60, 120, 58]) {
      clock.advance(step * MINUTE);
      await tick(t);
    }
    expect(messagesTo(t.fake)).toHaveLength(1); // 239 minutes after it was announced

    clock.advance(MINUTE);
    await tick(t);
    const sent = messagesTo(t.fake);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.text).toContain("Still firing: 1 alert");
    expect(sent[1]!.text).toContain(`stuck_worker:${id}`);

    clock.advance(10 * MINUTE);
    await tick(t);
    clock.advance(3 * HOUR);
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(2);
  });
});

describe("restarts and replicas", () => {
  it("neither forgets nor repeats across a restart", async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const fake = await startFakeBotApi();
    cleanup.push(() => fake.close());

    const first = await buildAlertApp(api.url, { database, fake });
    const ids = await insertStuckWorkers(first.pool, now(), 3);
    await tick(first);
    expect(messagesTo(fake)).toHaveLength(1);
    expect(messagesTo(fake)[0]!.text).toContain("3 alerts firing");
    await first.close();

    const second = await build({ database, fake });
    await ticks(second, 3);
    expect(messagesTo(fake)).toHaveLength(1);

    await finishWorkers(second.pool, [ids[0]!]);
    await tick(second);
    const sent = messagesTo(fake);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.text).toContain("Resolved: 1 alert");
    expect(sent[1]!.text).toContain(`stuck_worker:${ids[0]}`);
  });

  it("delivers after a restart what was queued before it, once", async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const fake = await startFakeBotApi();
    cleanup.push(() => fake.close());

    const first = await buildAlertApp(api.url, { database, fake });
    const [id] = await insertStuckWorkers(first.pool, now());
    fake.failNext("sendMessage", { kind: "429", retryAfter: 30 });
    await tick(first);
    expect((await outbox(first.pool))[0]!.sent_at).toBeNull();
    await first.close();

    const second = await build({ database, fake });
    await tick(second);
    expect(messagesTo(fake)).toHaveLength(1); // not due yet
    await second.pool.query(
      "UPDATE opsbot.outbox SET next_attempt_at = next_attempt_at - interval '31 seconds'",
    );
    await ticks(second, 3);
    const sent = messagesTo(fake);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.text).toContain(`stuck_worker:${id}`);
    expect(await outbox(second.pool)).toHaveLength(1);
  });

  it("sends one message per change from two replicas ticking at the same moment, even with skewed clocks", async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const fake = await startFakeBotApi();
    cleanup.push(() => fake.close());
    // Replica b's clock runs 90 s behind a's: their cron slots, hence default tick keys, differ.
    const clockA = createFakeClock(now());
    const clockB = createFakeClock(new Date(now().getTime() - 90_000));
    const a = await build({ database, fake, clock: clockA });
    const b = await build({ database, fake, clock: clockB });

    type Mode = "same key" | "different keys" | "skewed clocks";
    let round = 0;
    const together = async (mode: Mode) => {
      round++;
      clockA.advance(MINUTE);
      clockB.advance(MINUTE);
      const key = (replica: string) =>
        mode === "same key" ? `replica-tick:${round}` : `replica-tick:${round}:${replica}`;
      const outcomes = await Promise.all(
        mode === "skewed clocks"
          ? [a.app.watcher.tick(), b.app.watcher.tick()]
          : [a.app.watcher.tick(key("a")), b.app.watcher.tick(key("b"))],
      );
      expect(outcomes).toContain("ok");
      expect(outcomes.every((o) => o === "ok" || o === "skipped")).toBe(true);
      if (mode === "same key") expect(outcomes.sort()).toEqual(["ok", "skipped"]);
    };

    for (const mode of ["same key", "different keys", "skewed clocks"] as const) {
      const before = messagesTo(fake).length;
      const [id] = await insertStuckWorkers(a.pool, now());
      for (let i = 0; i < 4; i++) await together(mode);
      expect(messagesTo(fake), mode).toHaveLength(before + 1);
      expect(messagesTo(fake).at(-1)!.text).toContain(`stuck_worker:${id}`);

      await finishWorkers(a.pool, [id!]);
      for (let i = 0; i < 4; i++) await together(mode);
      expect(messagesTo(fake), mode).toHaveLength(before + 2);
      expect(messagesTo(fake).at(-1)!.text).toContain("Resolved: 1 alert");
    }
    expect(await outbox(a.pool)).toHaveLength(6);
  });
});

describe("inhibition", () => {
  it("neither resolves nor re-fires a stuck alert while the stuck query cannot run, and pages the blind check", async () => {
    const t = await build();
    const [id] = await insertStuckWorkers(t.pool, now());
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(1);

    await t.pool.query("ALTER TABLE worker_runs RENAME TO worker_runs_away");
    try {
      await ticks(t, 3);
      // Blind, not fine: /alerts names the check while it cannot be evaluated.
      expect((await t.post(createUpdates(900).message("/alerts", { from: OPERATOR }))).status).toBe(
        200,
      );
      const [alerts] = messagesTo(t.fake, privateChat(OPERATOR).id);
      expect(alerts?.text).toContain("Blind checks");
      expect(alerts?.text).toContain("schema mismatch: worker_runs");
    } finally {
      await t.pool.query("ALTER TABLE worker_runs_away RENAME TO worker_runs");
    }
    // The stuck alert is left alone; the blind check pages once (DOWN_AFTER_CHECKS = 2).
    const blind = messagesTo(t.fake);
    expect(blind).toHaveLength(2);
    expect(blind[1]!.text).toContain("watcher_degraded:stuck");
    expect(blind[1]!.text).toContain("schema mismatch: worker_runs");
    const { rows } = await t.pool.query<{ resolved_at: Date | null }>(
      "SELECT resolved_at FROM opsbot.alerts WHERE fingerprint = $1",
      [`stuck_worker:${id}`],
    );
    expect(rows).toEqual([{ resolved_at: null }]);

    // Evaluated again: the blind check resolves, the stuck run still fires (not repeated).
    await tick(t);
    const back = messagesTo(t.fake);
    expect(back).toHaveLength(3);
    expect(back[2]!.text).toContain("Resolved");
    expect(back[2]!.text).toContain("watcher_degraded:stuck");
    expect(back[2]!.text).not.toContain(`stuck_worker:${id}`);

    await finishWorkers(t.pool, [id!]);
    await tick(t);
    const sent = messagesTo(t.fake);
    expect(sent).toHaveLength(4);
    expect(sent[3]!.text).toContain("Resolved: 1 alert");
    expect(sent[3]!.text).toContain(`stuck_worker:${id}`);
  });
});

describe("heartbeat", () => {
  it("requests HEARTBEAT_URL after each good tick, and not after a failed one", async () => {
    const beat = await startStubServer(() => ({ status: 200, body: "OK" }));
    cleanup.push(() => beat.close());
    const t = await build({ env: { HEARTBEAT_URL: `${beat.url}/ping/abc` } });

    await tick(t);
    expect(beat.requests()).toBe(1);
    await ticks(t, 2);
    expect(beat.requests()).toBe(3);

    // The outbox unusable: the tick fails, and the dead man's switch is not pressed.
    await t.pool.query("ALTER TABLE opsbot.outbox RENAME TO outbox_away");
    try {
      await tick(t, "failed");
    } finally {
      await t.pool.query("ALTER TABLE opsbot.outbox_away RENAME TO outbox");
    }
    expect(beat.requests()).toBe(3);
    await tick(t);
    expect(beat.requests()).toBe(4);
  });
});

describe("without ALERT_CHAT_ID", () => {
  it("logs the alert instead of sending it and marks the outbox row sent", async () => {
    const t = await build({ env: { ALERT_CHAT_ID: "" } });
    const [id] = await insertStuckWorkers(t.pool, now());

    await tick(t);

    expect(t.fake.callsTo("sendMessage")).toHaveLength(0);
    const logged = t.logs
      .entries()
      .find((e) => String(e.msg).includes("ALERT_CHAT_ID") && typeof e.text === "string");
    expect(String(logged?.text)).toContain(`stuck_worker:${id}`);
    const rows = await outbox(t.pool);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.chat_id).toBeNull();
    expect(rows[0]!.sent_at).not.toBeNull();
  });
});

describe("/healthz and /metrics", () => {
  it("report the last tick, the undelivered alerts, ticks, messages sent and tick duration", async () => {
    const t = await build();
    const healthz = async () =>
      (await (await fetch(`${t.baseUrl}/healthz`)).json()) as Record<string, unknown>;
    expect(await healthz()).toMatchObject({ lastTickAt: null, undeliveredAlerts: 0 });

    await insertStuckWorkers(t.pool, now());
    const before = Date.now();
    await tick(t);
    const afterFirst = await healthz();
    expect(afterFirst.undeliveredAlerts).toBe(0);
    expect(new Date(String(afterFirst.lastTickAt)).getTime()).toBeGreaterThanOrEqual(before);

    await insertStuckWorkers(t.pool, now());
    t.fake.failNext("sendMessage", { kind: "429", retryAfter: 30 });
    await tick(t);
    expect(await healthz()).toMatchObject({ undeliveredAlerts: 1 });

    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^opsbot_watcher_ticks_total\{result="ok"\} 2$/m);
    expect(metrics).toMatch(/^opsbot_alert_messages_sent_total\{kind="firing"\} 1$/m);
    expect(metrics).toMatch(/^opsbot_alert_messages_failed_total 1$/m);
    expect(metrics).toMatch(/^opsbot_alert_messages_undelivered 1$/m);
    expect(metrics).toMatch(/^opsbot_watcher_tick_duration_seconds_count 2$/m);
  });
});

describe("start-up", () => {
  it("claims no tick while opsbot's migrations are still being applied, and ticks once they are", async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const pool = createPool({ connectionString: database.connectionString, max: 1 });
    await migrate(pool).finally(() => pool.end());
    // Another replica migrating: the migrator waits on its advisory lock.
    const migrator = new pg.Client({ connectionString: database.connectionString });
    await migrator.connect();
    await migrator.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);

    const t = await build({ database, waitReady: false });
    // Before the app is closed, which waits for its migration.
    cleanup.push(() => migrator.end());
    expect(await t.app.watcher.tick("tick:while-migrating")).toBe("skipped");
    const claimed = await t.pool.query("SELECT tick_key FROM opsbot.watcher_ticks");
    expect(claimed.rows).toEqual([]);

    await migrator.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    await t.app.schemaReady();
    expect(await t.app.watcher.tick("tick:migrated")).toBe("ok");
  });
});
