// Flapping through the real pipeline: a stuck run that starts and stops again and again,
// ticks by hand on a fake clock, the real grammY client sending to the fake Bot API, and
// the alert state in PostgreSQL shared by two replicas and a restart.
import { afterEach, describe, expect, it } from "vitest";
import type { TestApp } from "../kit/build-test-app.js";
import {
  buildAlertApp,
  finishWorkers,
  insertStuckWorkers,
  messagesTo,
  outbox,
  tick,
  useApiHealth,
} from "../kit/alerts.js";
import { startFakeBotApi } from "../kit/fake-bot-api.js";
import { createFakeClock, HOUR, MINUTE } from "../kit/fake-clock.js";
import { createTestDatabase } from "../kit/postgres.js";

const api = useApiHealth();
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function build(options: Parameters<typeof buildAlertApp>[1] = {}): Promise<TestApp> {
  const t = await buildAlertApp(api.url, options);
  cleanup.push(() => t.close());
  return t;
}

const restart = (t: TestApp) =>
  t.pool.query("UPDATE worker_runs SET status = 'running', finished_at = NULL");

describe("flapping (FLAP_CHANGES, default 4)", () => {
  it("turns 6 fire/resolve cycles in an hour into the first 3 changes, one flapping message and one settled one, across two replicas and a restart", async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const fake = await startFakeBotApi();
    cleanup.push(() => fake.close());
    const clock = createFakeClock(new Date());
    // Closed by the test itself (the restart), hence not through build().
    const replicas = [
      await buildAlertApp(api.url, { database, fake, clock }),
      await buildAlertApp(api.url, { database, fake, clock }),
    ];
    const [id] = await insertStuckWorkers(replicas[0]!.pool, clock.now());

    // 6 cycles, 12 state changes, every 4 minutes (48 minutes), on alternate replicas.
    for (let change = 0; change < 12; change++) {
      if (change % 2 === 1) await finishWorkers(replicas[0]!.pool, [id!]);
      else await restart(replicas[0]!);
      await tick(replicas[change % 2]!);
      clock.advance(4 * MINUTE);
    }
    // The 4th change (a resolution) marks it flapping; changes 5-12 are held.
    const texts = () => messagesTo(fake).map((m) => m.text);
    expect(texts()).toHaveLength(4);
    expect(texts()[0]).toContain("1 alert firing");
    expect(texts()[1]).toContain("Resolved: 1 alert");
    expect(texts()[2]).toContain("1 alert firing");
    expect(texts()[3]).toContain("Flapping: 1 alert");
    expect(texts()[3]).toContain("4 changes within an hour, now resolved");
    for (const text of texts()) expect(text).toContain(`stuck_worker:${id}`);
    // Marked once, for /report's flapping alerts.
    const marks = await replicas[0]!.pool.query("SELECT fingerprint, kind FROM opsbot.flap_marks");
    expect(marks.rows).toEqual([{ fingerprint: `stuck_worker:${id}`, kind: "stuck_worker" }]);

    // A restart forgets nothing: still held until an hour after the last change.
    for (const replica of replicas) await replica.close();
    const after = await build({ database, fake, clock });
    clock.advance(HOUR - 5 * MINUTE);
    await tick(after);
    expect(texts()).toHaveLength(4);
    clock.advance(2 * MINUTE);
    await tick(after);
    await tick(after);
    expect(texts()).toHaveLength(5);
    expect(texts()[4]).toContain("No longer flapping: 1 alert");
    expect(texts()[4]).toContain("resolved for 1h 1m");
    expect((await outbox(after.pool)).map((r) => r.kind)).toEqual([
      "firing",
      "resolved",
      "firing",
      "flapping",
      "settled",
    ]);

    // Settled, it is an ordinary alert again: its next episode is told as usual.
    await restart(after);
    await tick(after);
    expect(texts()).toHaveLength(6);
    expect(texts()[5]).toContain("1 alert firing");
  });

  it("tells a flapping alert that settled firing as firing, and its resolution as usual", async () => {
    const clock = createFakeClock(new Date());
    const t = await build({ clock, env: { FLAP_CHANGES: "3" } });
    const [id] = await insertStuckWorkers(t.pool, clock.now());
    for (let change = 0; change < 5; change++) {
      if (change % 2 === 1) await finishWorkers(t.pool, [id!]);
      else await restart(t);
      await tick(t);
      clock.advance(MINUTE);
    }
    // fired, resolved, flapping (the 3rd change, a fire); the 4th and 5th held.
    const texts = () => messagesTo(t.fake).map((m) => m.text);
    expect(texts()).toHaveLength(3);
    expect(texts()[2]).toContain("Flapping: 1 alert");

    clock.advance(HOUR);
    await tick(t);
    expect(texts()).toHaveLength(4);
    expect(texts()[3]).toContain("No longer flapping: 1 alert");
    expect(texts()[3]).toMatch(/firing for 1h \dm/);

    await finishWorkers(t.pool, [id!]);
    await tick(t);
    expect(texts()).toHaveLength(5);
    expect(texts()[4]).toContain("Resolved: 1 alert");
  });

  it("says it in BOT_LOCALE", async () => {
    const clock = createFakeClock(new Date());
    const t = await build({ clock, env: { FLAP_CHANGES: "2", BOT_LOCALE: "ru" } });
    const [id] = await insertStuckWorkers(t.pool, clock.now());
    await tick(t);
    await finishWorkers(t.pool, [id!]);
    await tick(t);
    clock.advance(HOUR);
    await tick(t);
    const [, flapping, settled] = messagesTo(t.fake).map((m) => m.text);
    expect(flapping).toContain("Флапает 1 алерт");
    expect(flapping).toContain("2 смены состояния за час, сейчас в норме");
    expect(settled).toContain("Перестал флапать 1 алерт");
    expect(settled).toContain("в норме уже 1 ч 0 мин");
  });

  it("marks nothing flapping with FLAP_CHANGES=0: every change is told", async () => {
    const clock = createFakeClock(new Date());
    const t = await build({ clock, env: { FLAP_CHANGES: "0" } });
    const [id] = await insertStuckWorkers(t.pool, clock.now());
    for (let change = 0; change < 6; change++) {
      if (change % 2 === 1) await finishWorkers(t.pool, [id!]);
      else await restart(t);
      await tick(t);
      clock.advance(MINUTE);
    }
    expect(messagesTo(t.fake)).toHaveLength(6);
    expect((await outbox(t.pool)).map((r) => r.kind)).not.toContain("flapping");
  });
});
