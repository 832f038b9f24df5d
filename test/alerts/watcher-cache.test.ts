// A replica keeps the firing alerts between quiet ticks; another replica's change must
// make that copy stale, or it would announce or resolve the same alert twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../kit/build-test-app.js";
import {
  buildAlertApp,
  finishWorkers,
  insertStuckWorkers,
  messagesTo,
  startApiHealth,
  ticks,
} from "../kit/alerts.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

describe("firing alerts cached between quiet ticks", () => {
  let api: Awaited<ReturnType<typeof startApiHealth>>;
  let fake: FakeBotApi;
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    api = await startApiHealth();
    fake = await startFakeBotApi();
    database = await createTestDatabase();
    a = await buildAlertApp(api.url, { database, fake });
    b = await buildAlertApp(api.url, { database, fake });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await fake.close();
    await database.drop();
    await api.close();
  });

  it("are reloaded after another replica changed them", async () => {
    const [first] = await insertStuckWorkers(a.pool, new Date());
    await ticks(a, 3); // announces, then two quiet ticks: a now holds a copy
    expect(messagesTo(fake)).toHaveLength(1);

    // b resolves it and announces a second alert.
    await finishWorkers(a.pool, [first!]);
    const [second] = await insertStuckWorkers(a.pool, new Date());
    await ticks(b, 1);
    expect(messagesTo(fake).map((m) => m.text.split("\n")[0])).toEqual([
      "🔥 <b>1 alert firing</b> · 🟡 warning",
      "🔥 <b>1 alert firing</b> · 🟡 warning",
      "✅ <b>Resolved: 1 alert</b> · 🟡 warning",
    ]);

    // a's copy is stale: with it, a would resolve the first again and announce the second again.
    await ticks(a, 2);
    expect(messagesTo(fake)).toHaveLength(3);

    await finishWorkers(a.pool, [second!]);
    await ticks(a, 1);
    await ticks(b, 1);
    expect(messagesTo(fake)).toHaveLength(4);
    expect(messagesTo(fake)[3]!.text).toContain(`stuck_worker:${second}`);
  });

  it("stay cached while a blind check's failures are counted before it pages", async () => {
    const patient = await buildAlertApp(api.url, {
      database,
      fake,
      env: { DOWN_AFTER_CHECKS: "1000" },
    });
    const generation = async () =>
      (
        await a.pool.query<{ generation: number }>(
          "SELECT generation FROM opsbot.watcher_lease WHERE id = 1",
        )
      ).rows[0]!.generation;
    try {
      await ticks(patient, 1);
      await a.pool.query("ALTER TABLE worker_runs RENAME TO worker_runs_away");
      const before = await generation();
      await ticks(patient, 3); // stuck is blind: its failure count written each tick, no alert
      expect(await generation()).toBe(before);
      const { rows } = await a.pool.query<{ failures: number }>(
        "SELECT consecutive AS failures FROM opsbot.component_failures WHERE component = 'check:stuck'",
      );
      expect(rows[0]!.failures).toBe(3);
    } finally {
      await a.pool.query("ALTER TABLE IF EXISTS worker_runs_away RENAME TO worker_runs");
      await patient.close();
    }
  });

  it("report the fleet's last tick on a replica that never ran one", async () => {
    const idle = await buildAlertApp(api.url, { database, fake });
    try {
      await ticks(a, 1);
      const res = await fetch(`${idle.baseUrl}/healthz`);
      const health = (await res.json()) as { lastTickAt: string | null };
      expect(health.lastTickAt).not.toBeNull();
      expect(Date.now() - new Date(health.lastTickAt!).getTime()).toBeLessThan(60_000);
    } finally {
      await idle.close();
    }
  });
});
