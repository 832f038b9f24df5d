// The bot's heartbeats to a real sentinel (its HTTP route and state machine) after its
// watcher's ticks, driven by hand: what they say of the paging path, and that a sentinel
// that is slow or gone never holds a tick up or fails it.
import { createServer, type IncomingMessage } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSentinelSender } from "../../src/bot/sentinel-channel.js";
import { systemClock, type Clock } from "../../src/clock.js";
import { createLogger } from "../../src/log/create-logger.js";
import { createSentinel, type Sentinel } from "../../src/sentinel/create-sentinel.js";
import { createStateFile } from "../../src/sentinel/state-file.js";
import { buildAlertApp, eventually, probeFor, tick, ticks, useApiHealth } from "../kit/alerts.js";
import type { TestApp } from "../kit/build-test-app.js";
import { TEST_TOKEN } from "../kit/build-test-app.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { createFakeClock, HOUR } from "../kit/fake-clock.js";
import { captureLogs } from "../kit/log-capture.js";
import { closedPort, listen } from "../kit/ports.js";
import { EN } from "../kit/english.js";

const TOKEN = "sentinel-token-0123456789abcdef";
const SENTINEL_GROUP = -100_999;

describe("heartbeats to the sentinel", () => {
  const api = useApiHealth();
  const open: TestApp[] = [];
  afterEach(async () => {
    api.state.healthy = true;
    while (open.length > 0) await open.pop()!.close();
  });
  async function build(env: Record<string, string>, clock?: Clock): Promise<TestApp> {
    const t = await buildAlertApp(api.url, { env, ...(clock ? { clock } : {}) });
    open.push(t);
    return t;
  }
  let sentinel: Sentinel;
  let sentinelUrl: string;
  let sentinelApi: FakeBotApi;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "opsbot-heartbeat-"));
    sentinelApi = await startFakeBotApi();
    sentinel = createSentinel({
      logger: createLogger({
        level: "silent",
        secrets: [],
        destination: captureLogs().destination,
      }),
      clock: systemClock,
      stateFile: createStateFile(join(dir, "state.json")),
      sender: createSentinelSender({
        lang: EN,
        token: TEST_TOKEN,
        apiRoot: sentinelApi.apiRoot,
      }),
      token: TOKEN,
      group: { chatId: SENTINEL_GROUP },
      whoIsOnCall: () => null,
      afterMs: HOUR,
      host: "127.0.0.1",
      port: 0,
      everyMs: HOUR,
    });
    sentinelUrl = `http://127.0.0.1:${await sentinel.start()}/heartbeat`;
  });
  afterAll(async () => {
    await sentinel.stop();
    await sentinelApi.close();
    await rm(dir, { recursive: true, force: true });
  });

  const heard = () => sentinel.state().lastHeartbeat;

  it("says after a tick what fires and that nothing waits, and after a failed delivery that Telegram is not ok", async () => {
    const clock = createFakeClock();
    const probes = { PROBE_SECONDS: "1", DOWN_AFTER_SECONDS: "2" };
    const t = await build({ SENTINEL_URL: sentinelUrl, SENTINEL_TOKEN: TOKEN, ...probes }, clock);
    await tick(t);
    await eventually(() => heard() !== null, 5_000, "a heartbeat");
    expect(heard()).toEqual({
      version: "test",
      lastTickAt: clock.now().toISOString(),
      undeliveredAlerts: 0,
      oldestUndeliveredSeconds: null,
      telegramOk: true,
      firing: { critical: 0, warning: 0 },
    });

    // The API goes down and Telegram fails the page: the path is broken, and the sentinel says so.
    api.state.healthy = false;
    t.fake.failNext("sendMessage", { kind: "500" }, 10);
    await probeFor(t, clock, 3_000, 1_000);
    await tick(t);
    await eventually(() => heard()?.telegramOk === false, 5_000, "a broken heartbeat");
    expect(heard()).toMatchObject({ undeliveredAlerts: 1, firing: { critical: 1, warning: 0 } });
    expect(heard()!.oldestUndeliveredSeconds).toBeGreaterThanOrEqual(0);
    expect(sentinel.state().outage).toMatchObject({ reason: "telegram" });
    await sentinelApi.waitForCall("sendMessage", (c) =>
      String(c.params.text).includes("cannot reach Telegram"),
    );
  });

  it("never holds up or fails a tick when the sentinel hangs or is gone", async () => {
    const held: IncomingMessage[] = [];
    const hanging = createServer((req) => held.push(req));
    const port = await listen(hanging);
    try {
      const t = await build({
        SENTINEL_URL: `http://127.0.0.1:${port}/heartbeat`,
        SENTINEL_TOKEN: TOKEN,
      });
      await tick(t);
      await eventually(() => held.length === 1, 5_000, "the heartbeat held");
      // The next ticks run while that heartbeat still waits for an answer.
      await ticks(t, 2);

      const gone = await build({
        SENTINEL_URL: `http://127.0.0.1:${await closedPort()}/x`,
        SENTINEL_TOKEN: TOKEN,
      });
      await tick(gone);
      await eventually(() => gone.logs.text().includes("sentinel heartbeat failed"));
      expect(gone.logs.text()).not.toContain(TOKEN);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
