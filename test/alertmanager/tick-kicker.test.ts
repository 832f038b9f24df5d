// The tick started after a stored batch, on vitest's fake timers: batches share a tick, a
// skipped tick is tried again a bounded number of times, nothing starts after stop().
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TickOutcome } from "../../src/alerts/watcher.js";
import { createTickKicker } from "../../src/alertmanager/tick-kicker.js";
import { createLogger } from "../../src/log/create-logger.js";

const logger = createLogger({ level: "silent", secrets: [] });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A watcher tick answering the given outcomes in turn (then "ok"), recording its keys. */
function fakeTick(outcomes: TickOutcome[] = []) {
  const keys: string[] = [];
  const tick = (key: string) => {
    keys.push(key);
    return Promise.resolve(outcomes.shift() ?? "ok");
  };
  return { tick, keys };
}

describe("createTickKicker", () => {
  it("runs one tick, with a key of its own, for batches that arrive together", async () => {
    const { tick, keys } = fakeTick();
    const kicker = createTickKicker({ tick, logger, delayMs: 500 });
    kicker.kick();
    kicker.kick();
    kicker.kick();
    await vi.runAllTimersAsync();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^kick:[0-9a-f-]{36}$/);

    kicker.kick();
    await vi.runAllTimersAsync();
    expect(keys).toHaveLength(2);
    expect(keys[1]).not.toBe(keys[0]);
  });

  it("tries a skipped tick again, at most `retries` times", async () => {
    const twice = fakeTick(["skipped", "skipped"]);
    createTickKicker({ tick: twice.tick, logger, retries: 5 }).kick();
    await vi.runAllTimersAsync();
    expect(twice.keys).toHaveLength(3);

    const always = fakeTick(Array<TickOutcome>(10).fill("skipped"));
    createTickKicker({ tick: always.tick, logger, retries: 2 }).kick();
    await vi.runAllTimersAsync();
    expect(always.keys).toHaveLength(3);
  });

  it("does not retry a failed tick (the next scheduled one will)", async () => {
    const { tick, keys } = fakeTick(["failed"]);
    createTickKicker({ tick, logger }).kick();
    await vi.runAllTimersAsync();
    expect(keys).toHaveLength(1);
  });

  it("starts nothing after stop(), even a tick already asked for", async () => {
    const { tick, keys } = fakeTick();
    const kicker = createTickKicker({ tick, logger });
    kicker.kick();
    kicker.stop();
    kicker.kick();
    await vi.runAllTimersAsync();
    expect(keys).toEqual([]);
  });
});
