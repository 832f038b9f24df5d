// The paging path proves itself: HEARTBEAT_URL is requested only while the last tick
// succeeded, no alert message has waited undelivered for more than 2 minutes and the last
// Bot API call got through. The real app, the fake Bot API failing on demand, a fake clock.
import { afterEach, describe, expect, it } from "vitest";
import { isPathWhole, pathBrokenBecause, type PathStatus } from "../../src/alerts/paging-path.js";
import type { TestApp } from "../kit/build-test-app.js";
import {
  buildAlertApp,
  insertStuckWorkers,
  messagesTo,
  startStubServer,
  tick,
  useApiHealth,
} from "../kit/alerts.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { TEAM_GROUP } from "../kit/updates.js";

const WHOLE: PathStatus = {
  lastTickAt: new Date("2026-12-06T03:00:00Z"),
  lastTickOk: true,
  undeliveredAlerts: 0,
  oldestUndeliveredSeconds: null,
  telegramOk: true,
  firing: { critical: 0, warning: 0 },
};
const AT = new Date("2026-12-06T03:00:00Z");

describe("isPathWhole", () => {
  it("holds only while the last tick succeeded, Telegram answered and nothing waits over 2 minutes", () => {
    expect(isPathWhole(WHOLE, AT)).toBe(true);
    expect(isPathWhole({ ...WHOLE, undeliveredAlerts: 1, oldestUndeliveredSeconds: 120 }, AT)).toBe(
      true,
    );
    expect(pathBrokenBecause({ ...WHOLE, lastTickOk: false }, AT)).toBe("the last tick failed");
    expect(pathBrokenBecause({ ...WHOLE, lastTickAt: null }, AT)).toBe("the last tick failed");
    expect(pathBrokenBecause({ ...WHOLE, telegramOk: false }, AT)).toBe(
      "the last Bot API call failed",
    );
    expect(
      pathBrokenBecause({ ...WHOLE, undeliveredAlerts: 2, oldestUndeliveredSeconds: 121 }, AT),
    ).toBe("an alert message has waited undelivered for 121 s");
  });

  it("ages the oldest undelivered message by the time since the status was taken", () => {
    const status = { ...WHOLE, undeliveredAlerts: 1, oldestUndeliveredSeconds: 100 };
    expect(isPathWhole(status, new Date(AT.getTime() + 15_000))).toBe(true);
    expect(isPathWhole(status, new Date(AT.getTime() + 30_000))).toBe(false);
  });
});

const api = useApiHealth();
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function withHeartbeat() {
  const beat = await startStubServer(() => ({ status: 200, body: "OK" }));
  cleanup.push(() => beat.close());
  const clock = createFakeClock(new Date());
  const t: TestApp = await buildAlertApp(api.url, {
    clock,
    env: { HEARTBEAT_URL: `${beat.url}/ping/abc` },
  });
  cleanup.push(() => t.close());
  const withheld = () => t.logs.entries().filter((e) => e.msg === "heartbeat withheld");
  return { t, beat, clock, withheld };
}

describe("HEARTBEAT_URL", () => {
  it("is withheld while the last Bot API call failed, said once, and requested again once one gets through", async () => {
    const { t, beat, clock, withheld } = await withHeartbeat();
    await tick(t);
    expect(beat.requests()).toBe(1);

    await insertStuckWorkers(t.pool, clock.now());
    t.fake.failNext("sendMessage", { kind: "500" });
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(1); // the attempt that failed
    expect(beat.requests()).toBe(1);
    await tick(t);
    expect(beat.requests()).toBe(1);
    expect(withheld()).toHaveLength(1);
    expect(withheld()[0]!.why).toBe("the last Bot API call failed");

    // The retry is due, Telegram answers: the alert is delivered and the switch pressed again.
    clock.advance(10 * MINUTE);
    await tick(t);
    expect(messagesTo(t.fake, TEAM_GROUP.id).length).toBeGreaterThanOrEqual(2);
    expect(beat.requests()).toBe(2);
  });

  it("is withheld while an alert message has waited undelivered for more than 2 minutes", async () => {
    const { t, beat, clock, withheld } = await withHeartbeat();
    await t.pool.query(
      `INSERT INTO opsbot.outbox (kind, alerts, chat_id, created_at, next_attempt_at)
       VALUES ('firing', '[]', $1, $2, $3)`,
      [
        TEAM_GROUP.id,
        new Date(clock.now().getTime() - 3 * MINUTE),
        new Date(clock.now().getTime() + 60 * MINUTE),
      ],
    );
    await tick(t);
    expect(beat.requests()).toBe(0);
    expect(withheld()[0]!.why).toMatch(/^an alert message has waited undelivered for 1\d\d s$/);

    await t.pool.query("UPDATE opsbot.outbox SET cancelled_at = now()");
    await tick(t);
    expect(beat.requests()).toBe(1);
  });
});
