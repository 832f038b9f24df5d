// One fault scenario: a fresh database with the LabPics tables, PostgreSQL (and Redis, when
// asked) reached through TCP proxies the test can cut, a fake Bot API, a stand-in for the
// API's /health, and the bot as a real process in webhook mode ticking every second.
// Everything is torn down by the test's own finish hook, whatever happened.
import type { Chat, User } from "grammy/types";
import { expect } from "vitest";
import { applyShape } from "../../src/console/demo/labpics-fixtures.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { freshGroup } from "../kit/actions.js";
import { startApiStub, type ApiMode, type ApiStub } from "../kit/api-stub.js";
import { startBotProcess, webhookEnv, type BotProcess } from "../kit/bot-process.js";
import { startFakeBotApi, type FakeBotApi, type RecordedCall } from "../kit/fake-bot-api.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { startTcpProxy, type TcpProxy } from "../kit/tcp-proxy.js";
import { createUpdates, OPERATOR } from "../kit/updates.js";

export type Defer = (cleanup: () => Promise<unknown>) => void;

/**
 * Cleanups run in reverse order of registration when the test finishes (pass the test
 * context's onTestFinished), each one even if an earlier one failed.
 */
export function cleanupStack(onFinished: (fn: () => Promise<void>) => void): Defer {
  const stack: (() => Promise<unknown>)[] = [];
  onFinished(async () => {
    for (const cleanup of stack.reverse()) await cleanup().catch(() => undefined);
  });
  return (cleanup) => void stack.push(cleanup);
}

export interface ScenarioOptions {
  /** A Redis URL (put behind a proxy); none: the bot runs without Redis. */
  redisUrl?: string | null;
  api?: ApiMode;
  env?: Record<string, string>;
  /** update_ids of this scenario start here (Redis dedup keys are shared per file). */
  firstUpdateId: number;
  /** Another test's fake Bot API is not shared: faults are queued per fake. */
  fake?: FakeBotApi;
}

export interface Scenario {
  fake: FakeBotApi;
  database: TestDatabase;
  /** Straight to PostgreSQL, past the proxy: the test's own view of the tables. */
  admin: Pool;
  pgProxy: TcpProxy;
  redisProxy?: TcpProxy;
  api: ApiStub;
  alertChat: Chat.SupergroupChat;
  env: Record<string, string>;
  bot: BotProcess;
  updates: ReturnType<typeof createUpdates>;
  /** A command in a chat of its own; resolves with the bot's one reply there. */
  ask(text: string, from?: User): Promise<string>;
  /** Alert messages in the alert chat naming `fingerprint` (faulted attempts included). */
  alertCalls(fingerprint: string, kind: "firing" | "resolved"): RecordedCall[];
  /** The bot again on the same database and proxies (after the first one stopped). */
  restart(): Promise<BotProcess>;
}

const targetOf = (url: string, defaultPort: number) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || defaultPort) };
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function isAlertMessage(
  call: RecordedCall,
  chatId: number,
  fingerprint: string,
  kind: "firing" | "resolved",
): boolean {
  const text = typeof call.params.text === "string" ? call.params.text : "";
  return (
    Number(call.params.chat_id) === chatId &&
    text.includes(`<code>${fingerprint}</code>`) &&
    text.startsWith(kind === "firing" ? "🔥" : "✅")
  );
}

export async function setUpScenario(options: ScenarioOptions, defer: Defer): Promise<Scenario> {
  const fake = options.fake ?? (await startFakeBotApi());
  if (!options.fake) defer(() => fake.close());
  const database = await createTestDatabase();
  defer(() => database.drop());
  const admin = createPool({ connectionString: database.connectionString, max: 2 });
  defer(() => admin.end());
  await applyShape(admin, "reference");
  const pgProxy = await startTcpProxy(targetOf(database.connectionString, 5432));
  defer(() => pgProxy.close());
  const redisProxy = options.redisUrl
    ? await startTcpProxy(targetOf(options.redisUrl, 6379))
    : undefined;
  if (redisProxy) defer(() => redisProxy.close());
  const api = await startApiStub(options.api ?? "ok");
  defer(() => api.close());
  const alertChat = freshGroup("alerts");
  const env = webhookEnv(fake, {
    DATABASE_URL: pgProxy.urlFor(database.connectionString),
    ...(redisProxy && options.redisUrl ? { REDIS_URL: redisProxy.urlFor(options.redisUrl) } : {}),
    WATCH_CRON: "* * * * * *",
    ALERT_CHAT_ID: String(alertChat.id),
    API_HEALTH_URL: api.url,
    DOWN_AFTER_CHECKS: "2",
    PROBE_SECONDS: "1",
    DOWN_AFTER_SECONDS: "2",
    UP_AFTER_SECONDS: "2",
    LOG_LEVEL: "info",
    ...options.env,
  });
  // Registered last, run first: the bot stops before what it talks to goes away.
  let bot = await startBotProcess(env);
  defer(() => bot.terminate(10_000));
  const updates = createUpdates(options.firstUpdateId);

  return {
    fake,
    database,
    admin,
    pgProxy,
    redisProxy,
    api,
    alertChat,
    env,
    get bot() {
      return bot;
    },
    updates,
    async ask(text, from = OPERATOR) {
      const chat = freshGroup("ask");
      const response = await bot.post(updates.message(text, { chat, from }));
      expect(response.status, `webhook status for ${text}`).toBe(200);
      const reply = await fake.waitForCall(
        "sendMessage",
        (c) => Number(c.params.chat_id) === chat.id,
        15_000,
      );
      return String(reply.params.text);
    },
    alertCalls: (fingerprint, kind) =>
      fake.callsTo("sendMessage").filter((c) => isAlertMessage(c, alertChat.id, fingerprint, kind)),
    async restart() {
      bot = await startBotProcess(env);
      defer(() => bot.terminate(10_000));
      return bot;
    },
  };
}

/** The line of a /health reply about one component (its name is bold). */
export function healthLine(reply: string, component: string): string {
  const line = reply.split("\n").find((l) => l.includes(`<b>${component}</b>`));
  if (line === undefined) throw new Error(`no ${component} line in:\n${reply}`);
  return line;
}
