// The watcher's lease and /healthz's tick staleness follow WATCH_CRON's interval: a long
// tick keeps its lease (renewed), a lease never reaches past one interval, and /healthz
// says "stale" when no replica finished a tick for 3 intervals.
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { watchIntervalMs } from "../../src/alerts/watch-interval.js";
import type { TestApp } from "../kit/build-test-app.js";
import { buildAlertApp, eventually, tick, useApiHealth } from "../kit/alerts.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { createTestDatabase } from "../kit/postgres.js";
import { startFakeBotApi } from "../kit/fake-bot-api.js";

const api = useApiHealth();
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

/**
 * An app whose schedule is stopped at once: its ticks are run by hand. A test that builds
 * one on a fresh database gets 60 s: seconds on a busy machine.
 */
async function build(options: Parameters<typeof buildAlertApp>[1]): Promise<TestApp> {
  const t = await buildAlertApp(api.url, options);
  cleanup.push(() => t.close());
  await t.app.watcher.stop();
  return t;
}

describe("watchIntervalMs", () => {
  it("is the longest gap between WATCH_CRON's runs", () => {
    expect(watchIntervalMs("* * * * *")).toBe(MINUTE);
    expect(watchIntervalMs("*/10 * * * * *")).toBe(10_000);
    expect(watchIntervalMs("0 9 * * 1-5")).toBe(3 * 24 * 60 * MINUTE);
  });
});

describe("/healthz and the last tick", () => {
  const healthz = async (t: TestApp) => {
    const res = await fetch(`${t.baseUrl}/healthz`);
    return { code: res.status, body: (await res.json()) as { status: string; tick: string } };
  };

  it('answers 503 with "tick": "stale" once no tick finished for 3 watch intervals, and 200 after one', async () => {
    const clock = createFakeClock(new Date());
    const t = await build({ clock, env: { WATCH_CRON: "* * * * *" } });
    // Counted from start before the first tick.
    clock.advance(3 * MINUTE - 1_000);
    expect(await healthz(t)).toMatchObject({ code: 200, body: { status: "ok", tick: "ok" } });
    clock.advance(2_000);
    expect(await healthz(t)).toMatchObject({
      code: 503,
      body: { status: "degraded", tick: "stale" },
    });

    await tick(t);
    expect(await healthz(t)).toMatchObject({ code: 200, body: { tick: "ok" } });
    clock.advance(3 * MINUTE + 1_000);
    expect((await healthz(t)).body.tick).toBe("stale");
  }, 60_000);
});

describe("the watcher lease", () => {
  it("is renewed while a long tick runs, never reaches past one interval, and is free once the tick ends", async () => {
    const database = await createTestDatabase({ migrated: true });
    cleanup.push(() => database.drop());
    const fake = await startFakeBotApi();
    cleanup.push(() => fake.close());
    // Every 2 s: the lease is 2 s, far shorter than the tick held up below.
    const env = { WATCH_CRON: "*/2 * * * * *" };
    // a's tick waits on the lock below until the ROLLBACK, however long b's loop takes on a
    // busy machine: with the 5 s statement timeout it could end (and free the lease) mid-loop.
    const a = await build({ database, fake, env, statementTimeoutMs: 60_000 });
    const b = await build({ database, fake, env });

    const blocker = new pg.Client({ connectionString: database.connectionString });
    await blocker.connect();
    cleanup.push(() => blocker.end());
    await blocker.query("BEGIN");
    await blocker.query("LOCK TABLE worker_runs IN ACCESS EXCLUSIVE MODE");
    const leaseLeft = async () =>
      (
        await blocker.query<{ ms: number }>(
          `SELECT CASE WHEN expires_at = '-infinity' THEN -1
                   ELSE (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::float8 END AS ms
             FROM opsbot.watcher_lease WHERE id = 1`,
        )
      ).rows[0]!.ms;

    // a's tick waits on the lock: longer than its lease.
    const long = a.app.watcher.tick("lease-test:a");
    await eventually(async () => (await leaseLeft()) > 0, 10_000, "a holding the lease");
    const started = Date.now();
    const outcomes: string[] = [];
    while (Date.now() - started < 3_500) {
      outcomes.push(await b.app.watcher.tick(`lease-test:b:${outcomes.length}`));
      expect(await leaseLeft()).toBeLessThanOrEqual(2_000);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Held past its first 2 s: renewed, so b never overlapped it.
    expect(new Set(outcomes)).toEqual(new Set(["skipped"]));

    await blocker.query("ROLLBACK");
    await long;
    expect(await b.app.watcher.tick("lease-test:b:after")).toBe("ok");
  }, 60_000);
});
