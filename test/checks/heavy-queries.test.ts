// The heavy-query limiter on its own: a few run, a few wait in order, the rest are refused.
import { describe, expect, it } from "vitest";
import { BusyError, createHeavyQueries } from "../../src/checks/heavy-queries.js";

/** Work that finishes when the test says so. */
function held() {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish: () => finish() };
}

describe("heavy queries", () => {
  it("runs two at once, queues eight in order, refuses the eleventh at once", async () => {
    const heavy = createHeavyQueries({ running: 2, queued: 8 });
    const started: number[] = [];
    const works = Array.from({ length: 10 }, () => held());
    const results = works.map((w, i) =>
      heavy.run(async () => {
        started.push(i);
        await w.done;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    await expect(heavy.run(() => Promise.resolve("late"))).rejects.toBeInstanceOf(BusyError);

    works[1]!.finish();
    expect(await results[1]).toBe(1);
    expect(started).toEqual([0, 1, 2]);
    for (const w of works) w.finish();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Free again: the queue drained, nothing overshot.
    expect(await heavy.run(() => Promise.resolve("again"))).toBe("again");
  });

  it("passes the turn on when work fails", async () => {
    const heavy = createHeavyQueries({ running: 1, queued: 1 });
    const failing = heavy.run(() => Promise.reject(new Error("timeout")));
    const next = heavy.run(() => Promise.resolve("next"));
    await expect(failing).rejects.toThrow("timeout");
    expect(await next).toBe("next");
  });
});
