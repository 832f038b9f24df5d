// An Alertmanager storm against the bot as a real process with the image's heap
// (--max-old-space-size=96, as in the Dockerfile): one 8 MB batch of 91,704 tiny alerts,
// then four batches of 25,000. Before the caps, the tick after the first one ran out of
// heap, and every restart crashed again on the same outbox row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyShape } from "../../src/console/demo/labpics-fixtures.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { MAX_ALERTMANAGER_BYTES } from "../../src/http/alertmanager.js";
import { freshGroup } from "../kit/actions.js";
import { eventually } from "../kit/alerts.js";
import { startApiStub, type ApiStub } from "../kit/api-stub.js";
import { startBotProcess, webhookEnv, type BotProcess } from "../kit/bot-process.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { SOURCE_COMMAND } from "../kit/spawn-bot.js";

const TOKEN = "am-storm-token_0123456789";
const HEAP = ["--max-old-space-size=96", "--max-semi-space-size=8"];
const alertChat = freshGroup("alerts");

let fake: FakeBotApi;
let database: TestDatabase;
let admin: Pool;
let api: ApiStub;
let bot: BotProcess;
beforeAll(async () => {
  fake = await startFakeBotApi();
  database = await createTestDatabase();
  admin = createPool({ connectionString: database.connectionString, max: 2 });
  await applyShape(admin, "reference");
  api = await startApiStub("ok");
  const [node, ...args] = SOURCE_COMMAND;
  bot = await startBotProcess(
    webhookEnv(fake, {
      DATABASE_URL: database.connectionString,
      ALERT_CHAT_ID: String(alertChat.id),
      API_HEALTH_URL: api.url,
      ALERTMANAGER_TOKEN: TOKEN,
      LOG_LEVEL: "info",
    }),
    { command: [node!, ...HEAP, ...args] },
  );
}, 60_000);
afterAll(async () => {
  await bot?.terminate(10_000);
  await api?.close();
  await admin?.end();
  await database?.drop();
  await fake?.close();
});

/** `count` tiny firing alerts (no labels: each ~80 bytes), fingerprints from `first`. */
function stormBody(first: number, count: number): string {
  const startsAt = new Date().toISOString();
  const alerts = Array.from({ length: count }, (_, i) => ({
    status: "firing",
    labels: {},
    startsAt,
    fingerprint: (first + i).toString(16),
  }));
  return JSON.stringify({ version: "4", status: "firing", alerts });
}

const postBatch = (body: string) =>
  fetch(`${bot.baseUrl}/alertmanager`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body,
    signal: AbortSignal.timeout(60_000),
  });

const digests = () =>
  fake
    .callsTo("sendMessage")
    .map((c) => String(c.params.text))
    .filter((text) => text.startsWith("🔥"));

const firingStored = async () =>
  (
    await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM opsbot.am_alerts WHERE status = 'firing'",
    )
  ).rows[0]!.n;

describe("an Alertmanager storm, the bot with a 96 MB heap", () => {
  it("takes an 8 MB batch of 91,704 alerts in part, says so, delivers one digest and lives", async () => {
    const body = stormBody(1, 91_704);
    expect(body.length).toBeLessThan(MAX_ALERTMANAGER_BYTES);
    const res = await postBatch(body);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      "stored in part: 89704 of 91704 over ALERTMANAGER_MAX_ALERTS=2000 a batch; not stored",
    );
    await eventually(() => digests().length === 1, 60_000, "the storm's digest");
    expect(digests()[0]).toMatch(/^🔥 <b>2,000 alerts firing<\/b>/);
    expect(bot.logs().some((l) => l.msg.startsWith("Alertmanager batch stored in part"))).toBe(
      true,
    );
    expect(bot.child.exitCode).toBeNull();
    expect([200, 503]).toContain((await bot.healthz()).status);
  }, 120_000);

  it("four batches of 25,000 stop at ALERTMANAGER_MAX_FIRING, and the bot still answers", async () => {
    const replies: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      const res = await postBatch(stormBody(100_000 + batch * 25_000, 25_000));
      expect(res.status).toBe(200);
      replies.push(await res.text());
    }
    expect(replies.at(-1)).toBe(
      "stored in part: 23000 of 25000 over ALERTMANAGER_MAX_ALERTS=2000 a batch; 2000 new firing over ALERTMANAGER_MAX_FIRING=5000; not stored",
    );
    expect(await firingStored()).toBe(5000);
    // Every alert stored is announced, in digests of at most the caps.
    await eventually(
      async () =>
        (await admin.query("SELECT 1 FROM opsbot.outbox WHERE sent_at IS NULL")).rowCount === 0 &&
        (await admin.query("SELECT 1 FROM opsbot.alerts WHERE notified_at IS NULL")).rowCount === 0,
      90_000,
      "every stored alert announced",
    );
    expect(bot.child.exitCode).toBeNull();
    expect([200, 503]).toContain((await bot.healthz()).status);
  }, 180_000);
});
