import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { spawnBot, type SpawnedBot } from "../kit/spawn-bot.js";

describe("console transport (a spawned process fed by a pipe)", () => {
  let bot: SpawnedBot | undefined;
  let database: TestDatabase | undefined;
  afterEach(async () => {
    bot?.child.kill("SIGKILL");
    await database?.drop();
    bot = database = undefined;
  });

  it("answers /help and /whoami, presses a numbered button, and ends cleanly at EOF", async () => {
    // The embedded demo database: what a newcomer's `npm start` runs.
    bot = spawnBot({ API_HEALTH_URL: "http://127.0.0.1:9/health" });
    bot.child.stdin!.write("/help\n/whoami\n/start\n");
    // The embedded database starts and migrates first: 25 s on a loaded machine.
    await bot.waitFor(/\[1\] Health/, 90_000);
    bot.child.stdin!.write("2\n");
    await bot.waitFor(
      /Scheduled jobs — 1 suspended, 1 failed, 0 stuck, 1 overdue, 45 total in 3 projects/,
    );
    bot.child.stdin!.end();
    const { code } = await bot.exited;
    const out = bot.stdout();

    expect(code).toBe(0);
    expect(out).toContain("DEMO MODE");
    expect(out).toContain("/deploy [REF] — Guarded deploy");
    expect(out).toMatch(/user id: 1\nchat id: 1\nrole: operator/);
    // HTML rendered for a terminal, never shown raw.
    expect(out).not.toMatch(/<\/?(b|code|pre|i)>/);
    expect(out).toContain("connectors_sync_cycle");
    expect(out).toContain("Northwind Clinic");
  }, 120_000);

  it("uses DATABASE_URL when given and does not claim demo data", async () => {
    database = await createTestDatabase();
    bot = spawnBot({
      DATABASE_URL: database.connectionString,
      API_HEALTH_URL: "http://127.0.0.1:9/health",
    });
    bot.child.stdin!.end("/jobs\n");
    const { code } = await bot.exited;
    expect(code).toBe(0);
    expect(bot.stdout()).not.toContain("DEMO MODE");
    expect(bot.stdout()).toContain("❌ schema mismatch: scheduled_jobs");
  }, 60_000);

  it("answers the first commands of a second run on the same DATABASE_URL (no stale dedup)", async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.connectionString,
      API_HEALTH_URL: "http://127.0.0.1:9/health",
    };
    for (const run of [1, 2]) {
      bot = spawnBot(env);
      bot.child.stdin!.end("/whoami\n");
      const { code } = await bot.exited;
      expect(code, `run ${run}`).toBe(0);
      expect(bot.stdout(), `run ${run}`).toMatch(/user id: 1\nchat id: 1/);
    }
  }, 90_000);

  it("speaks BOT_LOCALE=ru: the banner and the answers", async () => {
    database = await createTestDatabase();
    bot = spawnBot({
      DATABASE_URL: database.connectionString,
      API_HEALTH_URL: "http://127.0.0.1:9/health",
      BOT_LOCALE: "ru",
    });
    bot.child.stdin!.end("/help\n9\n");
    const { code } = await bot.exited;
    expect(code).toBe(0);
    const out = bot.stdout();
    expect(out).toContain("Консоль opsbot — вы оператор.");
    expect(out).toContain("/deploy [REF] — Деплой с подтверждением");
    expect(out).toContain("Кнопки 9 нет.");
  }, 60_000);

  it("stops with one line naming the variable on a bad configuration", async () => {
    bot = spawnBot({ WATCH_CRON: "sometimes" });
    const { code } = await bot.exited;
    expect(code).toBe(1);
    expect(bot.stderr().trim()).toBe(
      "Invalid configuration: WATCH_CRON is not a valid cron expression (5 fields, or 6 with seconds)",
    );
  }, 30_000);
});
