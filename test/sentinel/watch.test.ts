// The sentinel's state machine alone: heartbeats and time in, state and queued messages out.
import { describe, expect, it } from "vitest";
import type { Heartbeat } from "../../src/sentinel/heartbeat.js";
import {
  checkSilence,
  dueDeliveries,
  initialState,
  markDelivered,
  markFailed,
  receiveHeartbeat,
  type SentinelState,
} from "../../src/sentinel/watch.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";

const GROUP = -100_200;
const ON_CALL = 4242;
const context = { group: { chatId: GROUP }, whoIsOnCall: () => ON_CALL };
const AFTER_MS = 3 * MINUTE;

const whole = (over: Partial<Heartbeat> = {}): Heartbeat => ({
  version: "0.1.0",
  lastTickAt: "2026-11-28T12:00:00.000Z",
  undeliveredAlerts: 0,
  oldestUndeliveredSeconds: null,
  telegramOk: true,
  firing: { critical: 0, warning: 1 },
  ...over,
});

function run() {
  const clock = createFakeClock();
  const watchingSince = clock.now();
  let state = initialState();
  return {
    clock,
    get state() {
      return state;
    },
    heartbeat(h: Heartbeat) {
      state = receiveHeartbeat(state, h, clock.now(), context);
    },
    check() {
      state = checkSilence(state, clock.now(), { ...context, afterMs: AFTER_MS, watchingSince });
    },
    sendAll() {
      for (const d of dueDeliveries(state, clock.now())) state = markDelivered(state, d.id);
    },
  };
}

const kinds = (state: SentinelState) => state.queue.map((d) => [d.chatId, d.message.kind]);

describe("the sentinel's watch", () => {
  it("pages the group and the person on call once when heartbeats stop, and recovers once", () => {
    const w = run();
    w.heartbeat(whole());
    w.clock.advance(AFTER_MS - 1_000);
    w.check();
    expect(w.state.queue).toEqual([]);
    w.clock.advance(1_000);
    w.check();
    expect(kinds(w.state)).toEqual([
      [GROUP, "page"],
      [ON_CALL, "page"],
    ]);
    expect(w.state.outage).toMatchObject({ reason: "silent", since: "2026-11-28T12:00:00.000Z" });
    w.sendAll();
    // Still silent an hour later: nothing more.
    for (let i = 0; i < 60; i++) {
      w.clock.advance(MINUTE);
      w.check();
    }
    expect(w.state.queue).toEqual([]);

    w.heartbeat(whole({ undeliveredAlerts: 2, oldestUndeliveredSeconds: 30 }));
    expect(kinds(w.state)).toEqual([
      [GROUP, "recovered"],
      [ON_CALL, "recovered"],
    ]);
    expect(w.state.queue[0]!.message).toMatchObject({
      kind: "recovered",
      reason: "silent",
      since: "2026-11-28T12:00:00.000Z",
      until: "2026-11-28T13:03:00.000Z",
      waited: 2,
    });
    expect(w.state.outage).toBeNull();
    w.sendAll();
    w.heartbeat(whole());
    w.check();
    expect(w.state.queue).toEqual([]);
  });

  it.each([
    ["telegram", whole({ telegramOk: false, undeliveredAlerts: 1, oldestUndeliveredSeconds: 5 })],
    ["undelivered", whole({ undeliveredAlerts: 3, oldestUndeliveredSeconds: 301 })],
  ] as const)("pages once for a heartbeat saying the path is broken (%s)", (reason, broken) => {
    const w = run();
    w.heartbeat(whole({ undeliveredAlerts: 1, oldestUndeliveredSeconds: 300 }));
    expect(w.state.outage).toBeNull();
    w.heartbeat(broken);
    expect(w.state.outage).toMatchObject({ reason, since: "2026-11-28T12:00:00.000Z" });
    expect(kinds(w.state)).toEqual([
      [GROUP, "page"],
      [ON_CALL, "page"],
    ]);
    w.sendAll();
    // More broken heartbeats, and a silence, within the same outage: no new page.
    w.clock.advance(MINUTE);
    w.heartbeat({ ...broken, undeliveredAlerts: 7 });
    w.clock.advance(AFTER_MS);
    w.check();
    expect(w.state.queue).toEqual([]);
    w.heartbeat(whole());
    expect(w.state.queue.map((d) => d.message)).toContainEqual(
      expect.objectContaining({ kind: "recovered", reason, waited: 7 }),
    );
  });

  it("drops a page still unsent when the path recovers, and tells only the group", () => {
    const w = run();
    w.heartbeat(whole({ telegramOk: false }));
    w.clock.advance(10_000);
    w.heartbeat(whole());
    expect(kinds(w.state)).toEqual([[GROUP, "recovered"]]);
  });

  it("gives a bot that never spoke its grace from the sentinel's start, then pages", () => {
    const w = run();
    w.clock.advance(AFTER_MS);
    w.check();
    expect(w.state.queue[0]!.message).toMatchObject({
      kind: "page",
      reason: "silent",
      lastHeartbeat: null,
    });
  });

  it("retries a failed send: after retry_after, else 1 s, 2 s, 4 s…, keeping each chat's order", () => {
    const w = run();
    w.heartbeat(whole({ telegramOk: false }));
    w.clock.advance(MINUTE);
    const [groupPage] = dueDeliveries(w.state, w.clock.now());
    let state = markFailed(w.state, groupPage!.id, w.clock.now());
    state = markFailed(state, groupPage!.id, w.clock.now());
    state = receiveHeartbeat(state, whole(), w.clock.now(), {
      ...context,
      whoIsOnCall: () => null,
    });
    const at = (ms: number) => new Date(w.clock.now().getTime() + ms);
    // The page was never sent: dropped; the recovery waits for nothing.
    expect(dueDeliveries(state, at(0)).map((d) => d.message.kind)).toEqual(["recovered"]);

    const page = receiveHeartbeat(initialState(), whole({ telegramOk: false }), at(0), context);
    const failed = markFailed(page, page.queue[0]!.id, at(0), 30);
    expect(failed.queue[0]!.nextAttemptAt).toBe(at(30_000).toISOString());
    // The person's page goes on; the group's next message would wait behind the first.
    expect(dueDeliveries(failed, at(1_000)).map((d) => d.chatId)).toEqual([ON_CALL]);
    expect(dueDeliveries(failed, at(30_000)).map((d) => d.chatId)).toEqual([GROUP, ON_CALL]);
  });
});
