// Scaling out (docs/deployment.md): three bot processes on one PostgreSQL and one Redis behave as one
// bot — every update handled once wherever it lands, one alert per alert, one run per
// confirmed deploy however many replicas see the Confirm press.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyShape } from "../../src/console/demo/labpics-fixtures.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import {
  actionsIn,
  buttonsOf,
  createScriptDir,
  eventually,
  freshGroup,
  linesOf,
  type ActionRecord,
} from "../kit/actions.js";
import { finishWorkers, insertStuckWorkers } from "../kit/alerts.js";
import { startApiStub, type ApiStub } from "../kit/api-stub.js";
import { startBotProcesses, stopAllBots, webhookEnv, type BotProcess } from "../kit/bot-process.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { testRedisUrl } from "../kit/redis.js";
import { createUpdates, OPERATOR, SECOND_OPERATOR } from "../kit/updates.js";
import { isAlertMessage, sleep } from "./scenario.js";

// Enough ticks (one a second, on some replica) for a duplicate to have shown up.
const SETTLE_MS = 3_000;

const updates = createUpdates(900_000);
let fake: FakeBotApi;
let database: TestDatabase;
let admin: Pool;
let api: ApiStub;
let scripts: Awaited<ReturnType<typeof createScriptDir>>;
let counter: string;
let bots: BotProcess[] = [];
const alertChat = freshGroup("replica alerts");

beforeAll(async () => {
  fake = await startFakeBotApi();
  database = await createTestDatabase();
  admin = createPool({ connectionString: database.connectionString, max: 2 });
  await applyShape(admin, "reference");
  const redisUrl = await testRedisUrl();
  api = await startApiStub("ok");
  scripts = await createScriptDir("opsbot-replicas-");
  counter = scripts.file("counter");
  const script = await scripts.write(
    scripts.file("deploy"),
    `#!/bin/sh\necho "run $1 $$" >> '${counter}'\nsleep 2\necho deployed\n`,
  );
  const env = webhookEnv(fake, {
    DATABASE_URL: database.connectionString,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    WATCH_CRON: "* * * * * *",
    ALERT_CHAT_ID: String(alertChat.id),
    API_HEALTH_URL: api.url,
    DEPLOY_SCRIPT: script,
    VERIFY_SECONDS: "1",
    PROGRESS_EDIT_SECONDS: "1",
  });
  bots = await startBotProcesses([env, env, env]);
}, 90_000);

afterAll(async () => {
  await stopAllBots();
  await api?.close();
  await fake?.close();
  await admin?.end();
  await database?.drop();
  await scripts?.remove();
});

const repliesIn = (chatId: number) =>
  fake.callsTo("sendMessage").filter((c) => Number(c.params.chat_id) === chatId);

async function expectOneReplyEach(chatIds: number[]): Promise<void> {
  await eventually(
    () => chatIds.every((id) => repliesIn(id).length >= 1),
    15_000,
    "a reply in every chat",
  );
  await sleep(1_000);
  for (const id of chatIds) expect(repliesIn(id), `replies in chat ${id}`).toHaveLength(1);
}

// A test whose waits (ticks, a run, SETTLE_MS) add up past vitest's 20 s default gets 60 s.
describe("three replicas on one PostgreSQL and Redis", () => {
  it("updates spread round-robin over the replicas are each answered exactly once", async () => {
    const commands = ["/whoami", "/jobs", "/health", "/sync", "/stuck", "/alerts"];
    const chats = Array.from({ length: 18 }, () => freshGroup("round robin"));
    const responses = await Promise.all(
      chats.map((chat, i) => bots[i % 3]!.post(updates.message(commands[i % 6]!, { chat }))),
    );
    expect(responses.map((r) => r.status)).toEqual(chats.map(() => 200));
    await expectOneReplyEach(chats.map((c) => c.id));
  });

  it("the same update_id POSTed to two (and to three) replicas at the same moment is answered once", async () => {
    const chats: number[] = [];
    const deliveries: Promise<Response>[][] = [];
    for (let round = 0; round < 6; round++) {
      const chat = freshGroup("redelivered");
      chats.push(chat.id);
      const update = updates.message("/whoami", { chat });
      const targets = round === 5 ? bots : [bots[round % 3]!, bots[(round + 1) % 3]!];
      deliveries.push(targets.map((bot) => bot.post(update)));
    }
    const statuses = await Promise.all(deliveries.map((round) => Promise.all(round)));
    for (const round of statuses) for (const response of round) expect(response.status).toBe(200);
    await expectOneReplyEach(chats);
  });

  it("a stuck run is announced exactly once across the replicas, and resolved exactly once", async () => {
    const ids = await insertStuckWorkers(admin, new Date());
    const fingerprint = `stuck_worker:${ids[0]}`;
    const alertsOf = (kind: "firing" | "resolved") =>
      fake.callsTo("sendMessage").filter((c) => isAlertMessage(c, alertChat.id, fingerprint, kind));
    await eventually(() => alertsOf("firing").length >= 1, 15_000, "the stuck run announced");
    await sleep(SETTLE_MS);
    expect(alertsOf("firing")).toHaveLength(1);

    await finishWorkers(admin, ids);
    await eventually(() => alertsOf("resolved").length >= 1, 15_000, "the stuck run resolved");
    await sleep(SETTLE_MS);
    expect(alertsOf("resolved")).toHaveLength(1);
    expect(alertsOf("firing")).toHaveLength(1);
  }, 60_000);

  it("a /deploy requested on A and confirmed on B and C at the same moment (three times over) runs its script once", async () => {
    const chat = freshGroup("deploy");
    const [a, b, c] = bots as [BotProcess, BotProcess, BotProcess];
    expect((await a.post(updates.message("/deploy v42", { chat }))).status).toBe(200);
    const offer = await fake.waitForCall(
      "sendMessage",
      (call) =>
        Number(call.params.chat_id) === chat.id && String(call.params.text).includes("Deploy"),
      10_000,
    );
    const confirm = buttonsOf(offer.params).find((button) => button.text === "Confirm")!;
    let action: ActionRecord | undefined;
    await eventually(
      async () => {
        [action] = await actionsIn(admin, chat.id);
        return action?.message_id != null;
      },
      5_000,
      "the offer's message id stored",
    );
    const messageId = Number(action!.message_id);
    const press = (bot: BotProcess, from: typeof OPERATOR) => {
      const update = updates.callback(confirm.callback_data, { chat, messageId, from });
      return { id: update.update_id, response: bot.post(update) };
    };

    const presses: { id: number; response: Promise<Response> }[] = [];
    for (let round = 0; round < 3; round++) {
      const pair = [press(b, OPERATOR), press(c, SECOND_OPERATOR)];
      presses.push(...pair);
      await Promise.all(pair.map((p) => p.response));
    }
    for (const p of presses) expect((await p.response).status).toBe(200);

    await eventually(
      async () => (await actionsIn(admin, chat.id))[0]?.state === "succeeded",
      20_000,
      "the deploy succeeded",
    );
    expect(await linesOf(counter)).toHaveLength(1);
    // Every press was answered; exactly one of them started the run.
    const answers = presses.map(
      (p) =>
        fake
          .callsTo("answerCallbackQuery")
          .find((call) => call.params.callback_query_id === `cb${p.id}`)?.params.text,
    );
    expect(answers.every((text) => text !== undefined)).toBe(true);
    expect(answers.filter((text) => text === "Confirmed: running.")).toHaveLength(1);
    const { rows } = await admin.query(
      "SELECT 1 FROM opsbot.audit WHERE action_id = $1 AND event = 'started'",
      [action!.id],
    );
    expect(rows).toHaveLength(1);
    await sleep(SETTLE_MS);
    expect(await linesOf(counter)).toHaveLength(1);
  }, 60_000);

  it("every replica exits 0 on SIGTERM", async () => {
    const exits = await Promise.all(bots.map((bot) => bot.terminate(30_000)));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
  }, 40_000);
});
