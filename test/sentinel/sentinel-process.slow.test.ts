// The sentinel and the bot as real processes, each with a Bot API of its own: the bot in
// webhook mode ticking every second and posting heartbeats, the sentinel (under a loader
// that refuses pg and ioredis, with no DATABASE_URL) watching. The bot is SIGKILLed: the
// sentinel pages within SENTINEL_AFTER_SECONDS + 10 s. A new bot comes back while Telegram
// fails its first sends, so an alert waits; once delivered, the sentinel recovers once.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueue } from "../../src/alerts/outbox-store.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { startHealthStub } from "../kit/actions.js";
import { startBotProcess, stopAllBots, webhookEnv } from "../kit/bot-process.js";
import { TEST_TOKEN } from "../kit/build-test-app.js";
import { eventually } from "../kit/eventually.js";
import { startFakeBotApi, type FakeBotApi, type RecordedCall } from "../kit/fake-bot-api.js";
import { closedPort } from "../kit/ports.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { SOURCE_COMMAND, spawnBot, type SpawnedBot } from "../kit/spawn-bot.js";

const SENTINEL_TOKEN = "sentinel-token-0123456789abcdef";
const GROUP = -100_424_242;
const ON_CALL = 424_242;
const AFTER_SECONDS = 3;

describe("the sentinel beside a bot that is killed and comes back", () => {
  let botApi: FakeBotApi;
  let sentinelApi: FakeBotApi;
  let database: TestDatabase;
  let admin: Pool;
  let health: Awaited<ReturnType<typeof startHealthStub>>;
  let dir: string;
  let sentinel: SpawnedBot | undefined;

  beforeAll(async () => {
    [botApi, sentinelApi, database, health, dir] = await Promise.all([
      startFakeBotApi(),
      startFakeBotApi(),
      createTestDatabase(),
      startHealthStub(),
      mkdtemp(join(tmpdir(), "opsbot-sentinel-process-")),
    ]);
    admin = createPool({ connectionString: database.connectionString, max: 1 });
  });
  afterAll(async () => {
    sentinel?.child.kill("SIGKILL");
    await stopAllBots();
    await admin.end();
    await Promise.all([database.drop(), botApi.close(), sentinelApi.close(), health.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const toGroup = (pattern: RegExp) => (c: RecordedCall) =>
    Number(c.params.chat_id) === GROUP && pattern.test(String(c.params.text));
  const groupMessages = () =>
    sentinelApi.callsTo("sendMessage").filter((c) => Number(c.params.chat_id) === GROUP);

  it("pages once when the bot is killed, and recovers once when a new bot delivers what waited", async () => {
    // The bot first: a sentinel started before it would page its slow start-up.
    const port = await closedPort();
    const env = webhookEnv(botApi, {
      DATABASE_URL: database.connectionString,
      API_HEALTH_URL: health.url,
      ALERT_CHAT_ID: String(GROUP),
      WATCH_CRON: "*/1 * * * * *",
      DOWN_AFTER_CHECKS: "1",
      SENTINEL_URL: `http://127.0.0.1:${port}/heartbeat`,
      SENTINEL_TOKEN,
    });
    const bot = await startBotProcess(env);

    const [node, ...source] = SOURCE_COMMAND;
    sentinel = spawnBot(
      {
        OPSBOT_MODE: "sentinel",
        TELEGRAM_BOT_TOKEN: TEST_TOKEN,
        TELEGRAM_API_ROOT: sentinelApi.apiRoot,
        ALERT_CHAT_ID: String(GROUP),
        SENTINEL_TOKEN,
        SENTINEL_AFTER_SECONDS: String(AFTER_SECONDS),
        SENTINEL_STATE_FILE: join(dir, "sentinel-state.json"),
        ONCALL_ROTA: String(ON_CALL),
        HOST: "127.0.0.1",
        PORT: String(port),
      },
      {
        stdin: "ignore",
        command: [node!, "--import", "./test/kit/no-database-loader.mjs", ...source],
      },
    );
    await sentinel.waitFor(/"msg":"sentinel started"/);
    const healthz = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
        lastHeartbeatAt: string | null;
      };
    await eventually(async () => (await healthz()).lastHeartbeatAt !== null, 20_000, "a heartbeat");
    expect(sentinelApi.callsTo("sendMessage")).toEqual([]);

    bot.child.kill("SIGKILL");
    await bot.exited;
    const page = await sentinelApi.waitForCall(
      "sendMessage",
      toGroup(/opsbot is silent/),
      (AFTER_SECONDS + 10) * 1000,
    );
    await sentinelApi.waitForCall("sendMessage", (c) => Number(c.params.chat_id) === ON_CALL);
    expect(page.params.disable_notification).toBe(false);

    // The killed bot left a message in its outbox, and Telegram fails the new bot's first
    // sends: it waits until the fourth retry.
    const resolved = new Date();
    await enqueue(
      admin,
      "resolved",
      [
        {
          fingerprint: "api_down",
          kind: "api_down",
          source: "api",
          summary: "API /health unhealthy: HTTP 503",
          firingSince: new Date(resolved.getTime() - 60_000),
          resolvedAt: resolved,
          notifiedAt: new Date(resolved.getTime() - 59_000),
          queuedAt: null,
        },
      ],
      { chatId: GROUP },
      resolved,
    );
    botApi.failNext("sendMessage", { kind: "500" }, 4);
    // As minutes later: the killed bot's watcher lease, never released, has lapsed.
    await admin.query("UPDATE opsbot.watcher_lease SET holder = NULL, expires_at = '-infinity'");
    const restarted = await startBotProcess(env);

    // The outbox backs off 1 + 2 + 4 + 8 s before the fifth try: 19 s on a loaded machine.
    const recovery = await sentinelApi.waitForCall("sendMessage", toGroup(/whole again/), 60_000);
    expect(String(recovery.params.text)).toMatch(/after \d+s silent/);
    expect(String(recovery.params.text)).toContain("1 alert message waited undelivered");
    // The checks are blind without LabPics's tables here: watcher_degraded.
    expect(String(recovery.params.text)).toMatch(/Now \d+ critical and 0 warnings firing/);
    await botApi.waitForCall("sendMessage", (c) =>
      /Resolved.*api_down/s.test(String(c.params.text)),
    );
    await sentinelApi.waitForCall(
      "sendMessage",
      (c) => Number(c.params.chat_id) === ON_CALL && /whole again/.test(String(c.params.text)),
    );

    // More heartbeats, whole: nothing more is said.
    const seen = (await healthz()).lastHeartbeatAt;
    await eventually(async () => (await healthz()).lastHeartbeatAt !== seen, 10_000);
    expect(
      groupMessages().map((c) => /silent|whole again/.exec(String(c.params.text))?.[0]),
    ).toEqual(["silent", "whole again"]);
    const state = JSON.parse(await readFile(join(dir, "sentinel-state.json"), "utf8")) as {
      outage: unknown;
      queue: unknown[];
    };
    expect(state).toMatchObject({ outage: null, queue: [] });

    expect((await restarted.terminate()).code).toBe(0);
    sentinel.child.kill("SIGTERM");
    expect((await sentinel.exited).code).toBe(0);
    expect(sentinel.stdout() + sentinel.stderr()).not.toContain(SENTINEL_TOKEN);
  }, 120_000);
});
