// The watcher keeps the history /runs reads (src/checks/listings/run-history.ts): each tick
// refreshes it, the first ones after a deploy filling the week a day at a time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAlertApp, startApiHealth, ticks } from "../../kit/alerts.js";
import type { TestApp } from "../../kit/build-test-app.js";
import { insertWorkerRuns } from "../../kit/rows.js";

let api: Awaited<ReturnType<typeof startApiHealth>>;
let t: TestApp;
beforeAll(async () => {
  api = await startApiHealth();
  t = await buildAlertApp(api.url, { shape: "reference" });
});
afterAll(async () => {
  await t.close();
  await api.close();
});

describe("the watcher's run history", () => {
  it("is refreshed by every tick until it reaches now, then has the last runs", async () => {
    const now = Date.now();
    await insertWorkerRuns(t.pool, [
      {
        job: "digest",
        status: "ok",
        startedAt: new Date(now - 10 * 60_000),
        finishedAt: new Date(now - 9 * 60_000),
      },
    ]);
    const refreshedTo = async () =>
      (await t.pool.query<{ at: Date }>("SELECT refreshed_to AS at FROM opsbot.run_history_scan"))
        .rows[0]!.at;
    await ticks(t, 1);
    // The first tick counts the oldest day of the week kept.
    const first = await refreshedTo();
    expect(Date.now() - first.getTime()).toBeGreaterThan(6 * 86_400_000);
    await ticks(t, 8);
    expect(Date.now() - (await refreshedTo()).getTime()).toBeLessThan(60_000);
    const { rows } = await t.pool.query<{ runs: number; ok: number }>(
      "SELECT runs, ok FROM opsbot.run_hours WHERE job_type = 'digest'",
    );
    expect(rows).toEqual([{ runs: 1, ok: 1 }]);
  });
});
