import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { TEST_SECRET, TEST_TOKEN } from "../kit/build-test-app.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { spawnBot } from "../kit/spawn-bot.js";
import { createUpdates, OPERATOR } from "../kit/updates.js";

const updates = createUpdates(500);

describe("the bot as a process", () => {
  let fake: FakeBotApi;
  let database: TestDatabase;
  beforeAll(async () => {
    fake = await startFakeBotApi();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await fake.close();
    await database.drop();
  });

  const baseEnv = () => ({
    TELEGRAM_BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATABASE_URL: database.connectionString,
    HOST: "127.0.0.1",
    OPERATOR_IDS: String(OPERATOR.id),
    API_HEALTH_URL: "http://127.0.0.1:9/health",
    LOG_LEVEL: "info",
  });

  it("in polling mode deletes the webhook first, answers polled updates, and exits 0 on SIGTERM", async () => {
    fake.reset();
    const bot = spawnBot({ ...baseEnv(), PORT: "0" });
    await fake.waitForCall("getUpdates", undefined, 30_000);
    const deleteAt = fake.calls.findIndex((c) => c.method === "deleteWebhook");
    const pollAt = fake.calls.findIndex((c) => c.method === "getUpdates");
    expect(deleteAt).toBeGreaterThanOrEqual(0);
    expect(deleteAt).toBeLessThan(pollAt);
    expect(fake.callsTo("deleteWebhook")[0]?.params.drop_pending_updates).not.toBe(true);

    fake.pushUpdate(updates.message("/whoami") as never);
    const reply = await fake.waitForCall("sendMessage", undefined, 10_000);
    expect(reply.params.text).toContain(String(OPERATOR.id));

    bot.child.kill("SIGTERM");
    const { code } = await bot.exited;
    expect(code).toBe(0);
    expect(bot.stdout()).toContain("shutting down");
    expect(bot.stdout()).not.toContain(TEST_TOKEN.split(":")[1]);
  }, 60_000);

  it("in webhook mode registers the webhook, and on SIGTERM finishes the running deploy's bookkeeping and exits 0", async () => {
    fake.reset();
    const port = 18000 + Math.floor(Math.random() * 2000);
    const bot = spawnBot({
      ...baseEnv(),
      PORT: String(port),
      WEBHOOK_URL: "https://opsbot.test/telegram/webhook",
      TELEGRAM_WEBHOOK_SECRET: TEST_SECRET,
      DEPLOY_SCRIPT: "examples/deploy.sh",
      WATCH_CRON: "* * * * * *",
    });
    await fake.waitForCall("setWebhook", undefined, 30_000);
    const post = (update: unknown) =>
      fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-telegram-bot-api-secret-token": TEST_SECRET,
        },
        body: JSON.stringify(update),
      });
    expect((await post(updates.message("/deploy v9"))).status).toBe(200);
    const offer = await fake.waitForCall("sendMessage", (c) =>
      String(c.params.text).includes("Deploy"),
    );
    const markup = offer.params.reply_markup as { inline_keyboard: { callback_data: string }[][] };
    const client = new pg.Client({ connectionString: database.connectionString });
    await client.connect();
    const { rows } = await client
      .query<{ message_id: string }>("SELECT message_id FROM opsbot.actions")
      .catch(async (error: unknown) => {
        await client.end();
        throw error;
      });
    const confirm = markup.inline_keyboard[0]![0]!.callback_data;
    expect(
      (await post(updates.callback(confirm, { messageId: Number(rows[0]!.message_id) }))).status,
    ).toBe(200);
    await fake.waitForCall("editMessageText", (c) => String(c.params.text).includes("running"));

    // A tick is in flight every second; the deploy sleeps for ~10 s: both end within the deadline.
    bot.child.kill("SIGTERM");
    const { code } = await bot.exited;
    expect(code, bot.stdout() + bot.stderr()).toBe(0);
    const state = await client
      .query<{ state: string }>("SELECT state FROM opsbot.actions")
      .finally(() => client.end());
    // Never left "running": finished within the grace period, or stopped and marked.
    expect(["succeeded", "interrupted"]).toContain(state.rows[0]?.state);
  }, 90_000);
});
