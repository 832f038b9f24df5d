// The sentinel as built in production (real HTTP, a real state file, the real grammY client
// against the fake Bot API), with time on a fake clock and its checks driven by hand.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSentinelSender } from "../../src/bot/sentinel-channel.js";
import { createLogger } from "../../src/log/create-logger.js";
import { createSentinel, type Sentinel } from "../../src/sentinel/create-sentinel.js";
import type { Heartbeat } from "../../src/sentinel/heartbeat.js";
import { MAX_HEARTBEAT_BYTES } from "../../src/sentinel/routes.js";
import { createStateFile } from "../../src/sentinel/state-file.js";
import { TEST_TOKEN } from "../kit/build-test-app.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { captureLogs } from "../kit/log-capture.js";
import { EN } from "../kit/english.js";

const TOKEN = "sentinel-token-0123456789abcdef";
const GROUP = -100_777;
const ON_CALL = 5151;
const AFTER_MS = 3 * MINUTE;

const heartbeat = (over: Partial<Heartbeat> = {}): Heartbeat => ({
  version: "0.1.0",
  lastTickAt: "2026-11-28T12:00:00.000Z",
  undeliveredAlerts: 0,
  oldestUndeliveredSeconds: null,
  telegramOk: true,
  firing: { critical: 1, warning: 2 },
  ...over,
});

describe("the sentinel", () => {
  let fake: FakeBotApi;
  let dir: string;
  let path: string;
  const clock = createFakeClock();
  const running: Sentinel[] = [];

  beforeAll(async () => {
    fake = await startFakeBotApi();
    dir = await mkdtemp(join(tmpdir(), "opsbot-sentinel-"));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    fake.reset();
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(file = `state-${running.length}-${Date.now()}.json`) {
    path = join(dir, file);
    const logs = captureLogs();
    const sentinel = createSentinel({
      logger: createLogger({ level: "info", secrets: [TOKEN], destination: logs.destination }),
      clock,
      stateFile: createStateFile(path),
      sender: createSentinelSender({
        lang: EN,
        token: TEST_TOKEN,
        apiRoot: fake.apiRoot,
      }),
      token: TOKEN,
      group: { chatId: GROUP, threadId: 12 },
      whoIsOnCall: () => ON_CALL,
      afterMs: AFTER_MS,
      host: "127.0.0.1",
      port: 0,
      // Checks are driven by hand (check()): the timer never fires within a test.
      everyMs: 60 * MINUTE,
    });
    const port = await sentinel.start();
    running.push(sentinel);
    const post = (body: string, auth = `Bearer ${TOKEN}`) =>
      fetch(`http://127.0.0.1:${port}/heartbeat`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: auth },
        body,
      });
    return {
      sentinel,
      logs,
      post,
      beat: (h = heartbeat()) => post(JSON.stringify(h)),
      healthz: async () => {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        return { status: r.status, body: (await r.json()) as Record<string, unknown> };
      },
    };
  }

  const sent = () =>
    fake.callsTo("sendMessage").map((c) => ({
      chat: Number(c.params.chat_id),
      text: String(c.params.text),
    }));

  it("refuses a heartbeat without the token (401), and bad JSON, a bad shape or a big body (400, 413), changing nothing", async () => {
    const s = await start();
    const before = JSON.stringify(s.sentinel.state());
    for (const auth of ["", "Bearer wrong-token-0123456789abcdef", `Basic ${TOKEN}`]) {
      expect((await s.post(JSON.stringify(heartbeat()), auth)).status).toBe(401);
    }
    const notJson = await s.post("{");
    expect([notJson.status, await notJson.text()]).toEqual([400, "body is not JSON"]);
    const shape = await s.post(JSON.stringify({ ...heartbeat(), telegramOk: "yes", firing: {} }));
    expect(shape.status).toBe(400);
    expect(await shape.text()).toBe(
      "not a heartbeat: telegramOk, firing.critical, firing.warning missing or invalid",
    );
    expect((await s.post("x".repeat(MAX_HEARTBEAT_BYTES + 1))).status).toBe(413);
    expect(JSON.stringify(s.sentinel.state())).toBe(before);
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
    expect(s.logs.text()).not.toContain(TOKEN);
  });

  it("pages once when heartbeats stop (group topic and the person on call) and recovers once, saying for how long", async () => {
    const s = await start();
    expect((await s.beat()).status).toBe(200);
    expect(JSON.parse(await readFile(path, "utf8"))).toMatchObject({
      lastHeartbeatAt: clock.now().toISOString(),
    });
    clock.advance(AFTER_MS - 1_000);
    await s.sentinel.check();
    expect(sent()).toEqual([]);
    clock.advance(1_000);
    await s.sentinel.check();
    clock.advance(10 * MINUTE);
    await s.sentinel.check();

    expect(sent().map((m) => m.chat)).toEqual([GROUP, ON_CALL]);
    const [page] = fake.callsTo("sendMessage");
    expect(page!.params).toMatchObject({ message_thread_id: 12, parse_mode: "HTML" });
    expect(page!.params.disable_notification).toBe(false);
    expect(sent()[0]!.text).toContain("opsbot is silent</b>: no heartbeat for 3m");
    expect(sent()[0]!.text).toContain("1 critical and 2 warnings firing");
    expect((await s.healthz()).body).toMatchObject({ status: "ok", outage: { reason: "silent" } });

    expect(
      (await s.beat(heartbeat({ undeliveredAlerts: 4, oldestUndeliveredSeconds: 20 }))).status,
    ).toBe(200);
    await s.sentinel.check();
    const recoveries = sent().slice(2);
    expect(recoveries.map((m) => m.chat)).toEqual([GROUP, ON_CALL]);
    expect(recoveries[0]!.text).toContain("whole again</b> after 13m silent");
    expect(recoveries[0]!.text).toContain("4 alert messages waited undelivered");
    await s.beat();
    clock.advance(MINUTE);
    await s.sentinel.check();
    expect(sent()).toHaveLength(4);
  });

  it("pages for a heartbeat saying the path is broken, once however many follow", async () => {
    const s = await start();
    await s.beat(heartbeat({ undeliveredAlerts: 2, oldestUndeliveredSeconds: 301 }));
    for (let i = 0; i < 3; i++) {
      clock.advance(MINUTE);
      await s.beat(
        heartbeat({ telegramOk: false, undeliveredAlerts: 3, oldestUndeliveredSeconds: 400 }),
      );
      await s.sentinel.check();
    }
    expect(sent().map((m) => m.chat)).toEqual([GROUP, ON_CALL]);
    expect(sent()[0]!.text).toContain("alerts are stuck");
    await s.beat();
    await s.sentinel.check();
    expect(sent()[2]!.text).toContain("3 alert messages waited undelivered");
  });

  it("after a restart from its state file neither repeats the page nor forgets the outage", async () => {
    const first = await start("restart.json");
    await first.beat();
    clock.advance(AFTER_MS);
    await first.sentinel.check();
    expect(sent()).toHaveLength(2);
    await first.sentinel.stop();

    const second = await start("restart.json");
    clock.advance(AFTER_MS * 2);
    await second.sentinel.check();
    expect(sent()).toHaveLength(2);
    expect(second.sentinel.state().outage).toMatchObject({ reason: "silent" });
    await second.beat();
    await second.sentinel.check();
    expect(
      sent()
        .slice(2)
        .map((m) => m.text),
    ).toEqual([
      expect.stringContaining("whole again</b> after 9m silent"),
      expect.stringContaining("whole again"),
    ]);
  });

  it("retries a send Telegram failed or was slow to answer, in order, until it is taken; /healthz says when it cannot deliver", async () => {
    const s = await start();
    await s.beat();
    fake.failNext("sendMessage", { kind: "500" }, 4);
    clock.advance(AFTER_MS);
    await s.sentinel.check();
    expect(sent()).toHaveLength(2);
    expect(s.sentinel.state().queue).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      clock.advance(MINUTE);
      await s.sentinel.check();
    }
    expect(sent()).toHaveLength(4 + 2);
    expect(s.sentinel.state().queue).toEqual([]);
    expect((await s.healthz()).status).toBe(200);

    fake.failNext("sendMessage", { kind: "429", retryAfter: 120 }, 5);
    await s.beat();
    await s.sentinel.check();
    // Heartbeats go on meanwhile: the path is whole, only the sentinel's own sends fail.
    const beatAndWait = async () => {
      await s.beat();
      clock.advance(2 * MINUTE);
      await s.sentinel.check();
    };
    await beatAndWait();
    await beatAndWait();
    expect(await s.healthz()).toMatchObject({ status: 503, body: { status: "cannot deliver" } });
    await beatAndWait();
    expect(s.sentinel.state().queue).toEqual([]);
    expect(sent().at(-2)!.text).toContain("whole again");
  });

  it("refuses to start on a state file that is not its own", async () => {
    await writeFile(join(dir, "garbage.json"), "{}");
    await expect(start("garbage.json")).rejects.toThrow(
      /SENTINEL_STATE_FILE .*garbage.json does not hold the sentinel's state/,
    );
  });
});
