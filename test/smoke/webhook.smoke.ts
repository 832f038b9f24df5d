// Webhook mode end to end: the bot (see bot-command.ts for which build) registers its
// webhook with the fake Bot API, reports healthy on /healthz and answers one update.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  expectServesWhoami,
  startBotProcess,
  webhookEnv,
  type BotProcess,
} from "../kit/bot-process.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { closedPort } from "../kit/ports.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { botCommand } from "./bot-command.js";

let fake: FakeBotApi;
let database: TestDatabase;
let bot: BotProcess | undefined;

beforeAll(async () => {
  fake = await startFakeBotApi();
  database = await createTestDatabase();
});

afterAll(async () => {
  await bot?.terminate(10_000);
  await fake.close();
  await database.drop();
});

it("starts in webhook mode, is healthy and answers an update", async () => {
  const env = webhookEnv(fake, {
    DATABASE_URL: database.connectionString,
    API_HEALTH_URL: `http://127.0.0.1:${await closedPort()}/health`,
  });
  bot = await startBotProcess(env, { command: botCommand(env), timeoutMs: 90_000 });

  await expectServesWhoami(bot, fake);
  expect(fake.callsTo("setWebhook")).toHaveLength(1);

  const exit = await bot.terminate(15_000);
  expect(exit.code).toBe(0);
}, 120_000);
