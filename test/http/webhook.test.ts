import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SECRET_HEADER } from "../../src/http/webhook.js";
import { startFakeBotApi } from "../kit/fake-bot-api.js";
import { buildTestApp, TEST_SECRET, TEST_TOKEN, type TestApp } from "../kit/build-test-app.js";
import { testRedisUrl } from "../kit/redis.js";
import { createUpdates } from "../kit/updates.js";

const updates = createUpdates(100);

describe("webhook endpoint", () => {
  // The app's waits (before retrying a reply after a 5xx), recorded and not waited.
  let waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    return Promise.resolve();
  };
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ sleep });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.fake.reset();
    waits = [];
  });

  it("registers the webhook with its secret and allowed updates, and the command list", async () => {
    await t.close();
    t = await buildTestApp({ sleep });
    const setWebhook = t.fake.callsTo("setWebhook")[0];
    expect(setWebhook?.params).toMatchObject({
      url: "https://opsbot.test/telegram/webhook",
      secret_token: TEST_SECRET,
      drop_pending_updates: false,
    });
    expect(setWebhook?.params.allowed_updates).toEqual(
      expect.arrayContaining(["message", "callback_query"]),
    );
    const commands = t.fake.callsTo("setMyCommands")[0]?.params.commands as { command: string }[];
    expect(commands.map((c) => c.command)).toEqual(expect.arrayContaining(["help", "whoami"]));
  });

  it("waits out Telegram's 429 on setWebhook and setMyCommands when replicas start together", async () => {
    await t.close();
    const fake = await startFakeBotApi();
    fake.failNext("setWebhook", { kind: "429", retryAfter: 1 });
    fake.failNext("setMyCommands", { kind: "429", retryAfter: 1 });
    try {
      const started = Date.now();
      t = await buildTestApp({ fake, sleep });
      const attempts = fake.callsTo("setWebhook");
      expect(attempts).toHaveLength(2);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect((await t.post(updates.message("/whoami"))).status).toBe(200);
    } finally {
      await t.close();
      await fake.close();
      t = await buildTestApp({ sleep });
    }
  });

  it.each([
    ["missing", {}],
    ["wrong", { [SECRET_HEADER]: "webhook_Secret-0123456780" }],
    ["shorter", { [SECRET_HEADER]: "webhook" }],
    ["longer", { [SECRET_HEADER]: `${TEST_SECRET}x` }],
  ])("answers 401 to a %s secret and runs nothing", async (_name, headers) => {
    const res = await t.post(updates.message("/whoami"), headers);
    expect(res.status).toBe(401);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(0);
  });

  it("answers 413 to a body over 1 MiB", async () => {
    const huge = JSON.stringify({ update_id: 1, padding: "x".repeat(1024 * 1024) });
    const res = await t.post(huge);
    expect(res.status).toBe(413);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(0);
  });

  it.each([
    ["malformed JSON", "{not json"],
    ["an array", "[]"],
    ["an object without update_id", '{"message":{}}'],
    ["a negative update_id", '{"update_id":-5}'],
    ["a string update_id", '{"update_id":"7"}'],
  ])("answers 400 to %s", async (_name, body) => {
    const res = await t.post(body);
    expect(res.status).toBe(400);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(0);
  });

  it("answers 200 and replies to a good update", async () => {
    const res = await t.post(updates.message("/whoami"));
    expect(res.status).toBe(200);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(1);
  });

  it("handles a redelivered update_id once", async () => {
    const update = updates.message("/whoami");
    expect((await t.post(update)).status).toBe(200);
    expect((await t.post(update)).status).toBe(200);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(1);
  });

  it("handles the same update_id arriving twice at once once (PostgreSQL dedup)", async () => {
    const update = updates.message("/whoami");
    const results = await Promise.all([t.post(update), t.post(update), t.post(update)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(1);
  });

  it("treats a restarted, lower update_id as new (no 'greater than last id' logic)", async () => {
    await t.post(updates.message("/whoami", { updateId: 900_000 }));
    await t.post(updates.message("/whoami", { updateId: 3 }));
    expect(t.fake.callsTo("sendMessage")).toHaveLength(2);
  });

  it("logs a handler error and answers 200 so Telegram does not redeliver it", async () => {
    t.fake.failNext("sendMessage", { kind: "500" }, 10);
    const res = await t.post(updates.message("/whoami"));
    expect(res.status).toBe(200);
    const failure = t.logs.entries().find((e) => e.msg === "handler failed");
    expect(failure).toBeDefined();
    expect(t.logs.text()).not.toContain(TEST_TOKEN);
    expect(t.logs.text()).not.toContain(TEST_TOKEN.split(":")[1]);
  });

  it("retries a reply once after Telegram's 500, so one blip does not lose it", async () => {
    const failures = () => t.logs.entries().filter((e) => e.msg === "handler failed").length;
    const before = failures();
    t.fake.failNext("sendMessage", { kind: "500" });
    const res = await t.post(updates.message("/whoami"));
    expect(res.status).toBe(200);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(2);
    expect(waits).toEqual([1_000]);
    expect(failures()).toBe(before);
  });

  it("keeps the token out of logs when the Bot API connection is reset", async () => {
    t.fake.failNext("sendMessage", { kind: "reset" }, 10);
    const res = await t.post(updates.message("/whoami"));
    expect(res.status).toBe(200);
    expect(t.logs.entries().some((e) => e.msg === "handler failed")).toBe(true);
    expect(t.logs.text()).not.toContain(TEST_TOKEN.split(":")[1]);
  });

  it("answers 404 elsewhere and serves /healthz and /metrics", async () => {
    expect((await fetch(`${t.baseUrl}/nope`)).status).toBe(404);
    const health = await fetch(`${t.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "ok",
      version: "test",
      components: { postgres: { status: "ok" }, redis: { status: "not_configured" } },
    });
    await t.post(updates.message("/whoami"));
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/opsbot_updates_total\{type="message"\} \d+/);
    expect(metrics).toMatch(/opsbot_commands_total\{command="whoami"\} \d+/);
  });

  it("counts Telegram API errors by code in /metrics", async () => {
    t.fake.failNext("sendMessage", { kind: "500" }, 10);
    await t.post(updates.message("/whoami"));
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /opsbot_telegram_errors_total\{method="sendMessage",code="500"\} [1-9]/,
    );
  });
});

const redisUrl = await testRedisUrl();

describe.skipIf(!redisUrl)("webhook dedup with Redis", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ redisUrl });
  });
  afterAll(() => t.close());

  it("handles concurrent duplicates once through Redis, recording the claim in PostgreSQL too", async () => {
    const update = updates.message("/whoami");
    const results = await Promise.all([t.post(update), t.post(update), t.post(update)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(1);
    const rows = await t.pool.query("SELECT 1 FROM opsbot.seen_updates WHERE update_id = $1", [
      update.update_id,
    ]);
    // Seen through PostgreSQL as well, should Redis be gone when Telegram redelivers it.
    expect(rows.rowCount).toBe(1);
  });
});
