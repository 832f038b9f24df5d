// The sentinel in Russian: BOT_LOCALE in its configuration makes its page (to the group and
// to the person on call) and its recovery Russian, through its own wiring and the fake Bot API.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSentinelConfig } from "../../src/config/parse-sentinel-config.js";
import { createLogger } from "../../src/log/create-logger.js";
import { wireSentinel } from "../../src/sentinel/wire-sentinel.js";
import { TEST_TOKEN } from "../kit/build-test-app.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { captureLogs } from "../kit/log-capture.js";

const SENTINEL_TOKEN = "sentinel-token-0123456789abcdef";
const GROUP = -100_778;
const ON_CALL = 5152;

describe("the sentinel with BOT_LOCALE=ru", () => {
  let fake: FakeBotApi;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeBotApi();
    dir = await mkdtemp(join(tmpdir(), "opsbot-sentinel-ru-"));
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("takes BOT_LOCALE (en by default) and pages and recovers in Russian", async () => {
    const env = {
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      ALERT_CHAT_ID: String(GROUP),
      SENTINEL_TOKEN,
      SENTINEL_STATE_FILE: join(dir, "state.json"),
      ONCALL_ROTA: String(ON_CALL),
      HOST: "127.0.0.1",
      PORT: "0",
    };
    expect(parseSentinelConfig(env).BOT_LOCALE).toBe("en");
    const clock = createFakeClock();
    const logs = captureLogs();
    const sentinel = wireSentinel(parseSentinelConfig({ ...env, BOT_LOCALE: "ru" }), {
      logger: createLogger({
        level: "info",
        secrets: [SENTINEL_TOKEN],
        destination: logs.destination,
      }),
      clock,
    });
    const port = await sentinel.start();
    try {
      const beat = (undelivered: number) =>
        fetch(`http://127.0.0.1:${port}/heartbeat`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${SENTINEL_TOKEN}`,
          },
          body: JSON.stringify({
            version: "0.1.0",
            lastTickAt: clock.now().toISOString(),
            undeliveredAlerts: undelivered,
            oldestUndeliveredSeconds: null,
            telegramOk: true,
            firing: { critical: 1, warning: 5 },
          }),
        });
      expect((await beat(0)).status).toBe(200);
      clock.advance(4 * MINUTE);
      await sentinel.check();

      const sent = () => fake.callsTo("sendMessage").map((c) => c.params);
      expect(sent().map((m) => Number(m.chat_id))).toEqual([GROUP, ON_CALL]);
      const page = String(sent()[0]!.text);
      expect(page).toContain("🚨 <b>opsbot молчит</b>: нет хартбита уже 4 мин (с ");
      expect(page).toContain("Последнее, что он сообщил: горят критичных: 1, прочих: 5;");
      expect(page).toContain("<i>— сентинел, с другого хоста</i>");
      expect(String(sent()[1]!.text)).toBe(page);

      expect((await beat(2)).status).toBe(200);
      await sentinel.check();
      const recovery = String(sent().at(-1)!.text);
      expect(recovery).toContain("✅ <b>путь алертов opsbot снова цел</b> бот молчал 4 мин (");
      expect(recovery).toContain("2 сообщения об алертах ждут отправки");
    } finally {
      await sentinel.stop();
    }
  });
});
