// Alerts and on call in Russian, end to end: BOT_LOCALE=ru makes what the group gets (alerts,
// resolutions, handovers, escalations) Russian through the real watcher, webhook and fake
// Bot API; a Russian-speaking operator gets Russian replies and button answers while the
// group's messages stay in BOT_LOCALE.
import type { User } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { createTranslator } from "../../src/i18n/catalogue.js";
import type { TestApp } from "../kit/build-test-app.js";
import {
  buildAlertApp,
  buttonData,
  finishWorkers,
  insertStuckWorkers,
  messagesTo,
  outbox,
  probeFor,
  tick,
  useApiHealth,
  type SentMessage,
} from "../kit/alerts.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import {
  createUpdates,
  OPERATOR,
  privateChat,
  SECOND_OPERATOR,
  TEAM_GROUP,
} from "../kit/updates.js";

const updates = createUpdates(95_000);
const api = useApiHealth();
const ru = createTranslator("ru");
/** Olga, whose Telegram speaks Russian. */
const RU_OPERATOR = { ...OPERATOR, language_code: "ru" };
const SECOND = 1_000;

const open: TestApp[] = [];
afterEach(async () => {
  api.state.healthy = true;
  while (open.length > 0) await open.pop()!.close();
});

async function build(env: Record<string, string> = {}) {
  const clock = createFakeClock();
  const t = await buildAlertApp(api.url, { clock, env });
  open.push(t);
  return { t, clock };
}

/** The inline buttons' titles, row by row. */
const buttonTitles = (message: SentMessage) =>
  (message.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard.map((row) =>
    row.map((b) => b.text),
  );

/** Posts a command in the sender's private chat; returns the one reply's text. */
async function say(t: TestApp, text: string, from: User = RU_OPERATOR): Promise<string> {
  t.fake.reset();
  expect((await t.post(updates.message(text, { from }))).status).toBe(200);
  const replies = messagesTo(t.fake, privateChat(from).id);
  expect(replies).toHaveLength(1);
  return replies[0]!.text;
}

describe("BOT_LOCALE=ru", () => {
  it("posts alerts, their buttons and their resolution in Russian, identifiers as they are", async () => {
    const { t, clock } = await build({ BOT_LOCALE: "ru" });
    const ids = await insertStuckWorkers(t.pool, clock.now(), 3);
    await tick(t);
    const [firing] = messagesTo(t.fake);
    expect(firing!.text).toContain("<b>Сработали 3 алерта</b> · 🟡 некритично");
    expect(firing!.text).toContain("stuck_worker ×3");
    expect(firing!.text).toContain(`<code>stuck_worker:${ids[0]}</code> воркер ${ids[0]}`);
    expect(firing!.text).toMatch(/висит с \d\d\.\d\d\.\d{4} \d\d:\d\d UTC \(уже 0 с\)$/m);
    expect(buttonTitles(firing!)).toEqual([["Тишина 1 ч", "Тишина 24 ч", "Беру"]]);

    await finishWorkers(t.pool, ids);
    clock.advance(5 * MINUTE);
    await tick(t);
    const resolved = messagesTo(t.fake).at(-1)!;
    expect(resolved.text).toContain("<b>Прошли 3 алерта</b>");
    expect(resolved.text).toContain("(длился 5 мин)");
    expect(resolved.text).not.toMatch(/running|since|Resolved/);
  });

  it("writes a new alert's facts beside its English summary, for /alerts and for logs", async () => {
    const { t, clock } = await build({ BOT_LOCALE: "ru" });
    const [id] = await insertStuckWorkers(t.pool, clock.now());
    await tick(t);
    const { rows } = await t.pool.query<{ summary: string; facts: Record<string, unknown> }>(
      "SELECT summary, facts FROM opsbot.alerts WHERE fingerprint = $1",
      [`stuck_worker:${id}`],
    );
    expect(rows[0]!.summary).toMatch(new RegExp(`^worker run ${id} \\(embeddings_refresh\\)`));
    expect(rows[0]!.facts).toMatchObject({
      case: "run",
      id: String(id),
      name: "embeddings_refresh",
    });
    const snapshots = await t.pool.query<{ alerts: unknown[] }>("SELECT alerts FROM opsbot.outbox");
    expect(snapshots.rows[0]!.alerts[0]).toMatchObject({ facts: { id: String(id) } });
  });
});

describe("a Russian-speaking operator", () => {
  it("gets the Ack answer in Russian while the group's message is edited in BOT_LOCALE (en)", async () => {
    const { t, clock } = await build();
    await insertStuckWorkers(t.pool, clock.now(), 2);
    await tick(t);
    const [firing] = messagesTo(t.fake);
    expect(buttonTitles(firing!)).toEqual([["Silence 1h", "Silence 24h", "Ack"]]);
    const messageId = (await outbox(t.pool))[0]!.message_id!;
    const ack = buttonData(firing!).find((d) => d.startsWith("ack:"))!;

    t.fake.reset();
    await t.post(updates.callback(ack, { from: RU_OPERATOR, chat: TEAM_GROUP, messageId }));
    const [answer] = t.fake.callsTo("answerCallbackQuery");
    expect(answer!.params.text).toBe("Взято: повторов не будет, пока не пройдёт.");
    const [edit] = t.fake.callsTo("editMessageText");
    expect(String(edit!.params.text)).toContain("👀 Acked by @olga_ops at");
    expect(String(edit!.params.text)).toContain("2 alerts firing");
  });

  it("gets /alerts, /silence's usage and refusals, and /unsilence in Russian", async () => {
    const { t, clock } = await build();
    expect(await say(t, "/alerts")).toBe("✅ Алертов нет.");
    expect(await say(t, "/silence")).toBe(ru.t("silence-usage"));
    expect(await say(t, "/silence stuck_worker:1")).toMatch(/^Формат: \/silence КЛЮЧ СРОК/);
    expect(await say(t, "/silence job_* 1h")).toBe(
      "⛔ <code>job_*</code>: в шаблоне перед * нужен полный вид и двоеточие, например job_failed:*.",
    );
    expect(await say(t, "/silence api_down 8d")).toBe(
      "⛔ Тишина — максимум 7d (SILENCE_MAX_DAYS).",
    );
    expect(await say(t, "/unsilence")).toBe(ru.t("unsilence-usage"));

    const [id] = await insertStuckWorkers(t.pool, clock.now());
    await tick(t);
    expect(await say(t, "/silence stuck_worker:* 2h")).toMatch(
      /^🔕 <code>stuck_worker:\*<\/code> заглушен до \d\d\.\d\d\.\d{4} \d\d:\d\d UTC\.$/,
    );
    const alerts = await say(t, "/alerts");
    expect(alerts).toContain("<b>Горит: 1</b>");
    expect(alerts).toContain(`<code>stuck_worker:${id}</code> воркер ${id} (embeddings_refresh)`);
    expect(alerts).toContain("<b>Заглушено (1)</b>");
    expect(await say(t, "/unsilence stuck_worker:*")).toBe(
      "🔔 Снята 1 тишина по <code>stuck_worker:*</code>.",
    );
    // An English speaker in the same chat still reads English.
    expect(await say(t, "/unsilence stuck_worker:*", OPERATOR)).toBe(
      "No silence in force or scheduled under <code>stuck_worker:*</code>.",
    );
  });
});

describe("on call with BOT_LOCALE=ru", () => {
  const ONCALL = {
    BOT_LOCALE: "ru",
    ONCALL_ROTA: [OPERATOR.id, SECOND_OPERATOR.id].join(","),
    ONCALL_SHIFT: "daily 09:00",
    ONCALL_TZ: "Europe/Moscow",
    ESCALATION: "5m:oncall,10m:group",
    PROBE_SECONDS: "1",
    DOWN_AFTER_SECONDS: "2",
  };

  it("announces the handover, pages privately and escalates to the group in Russian", async () => {
    const { t, clock } = await build(ONCALL);
    await t.app.paging!.run();
    const [handover] = messagesTo(t.fake);
    expect(handover!.text).toMatch(
      /^🔄 <b>Смена дежурного<\/b>: <a href="tg:\/\/user\?id=\d+">.*<\/a> дежурит до \d\d\.\d\d\.\d{4} 09:00 Europe\/Moscow\.\nСледующий: .*\. Открытых алертов нет\.$/,
    );

    api.state.healthy = false;
    await probeFor(t, clock, 2 * SECOND, SECOND);
    await t.app.watcher.probe();
    const pagedAt = clock.now().getTime();
    const page = messagesTo(t.fake).find((m) => m.text.includes("api_down"))!;
    expect(page.text).toContain("<b>Сработал 1 алерт</b> · 🔴 критичных: 1");
    expect(page.text).toContain("<code>api_down</code> API нездоров (/health): ");

    clock.set(new Date(pagedAt + 5 * MINUTE));
    await t.app.paging!.run();
    const personal = t.fake
      .callsTo("sendMessage")
      .map((c) => c.params as unknown as SentMessage)
      .find((m) => m.text.includes("Вызов дежурному"))!;
    expect(personal.text).toContain("шаг эскалации 1 из 2, никто не взял уже 5 мин.");
    expect(buttonTitles(personal)[0]).toEqual(["Беру"]);

    clock.set(new Date(pagedAt + 10 * MINUTE));
    await t.app.paging!.run();
    const escalation = messagesTo(t.fake).find((m) => m.text.includes("Эскалация"))!;
    expect(escalation.text).toMatch(
      /📣 <b>Эскалация<\/b> шаг 2 из 2, никто не взял уже 10 мин: дежурный <a href/,
    );
    expect(escalation.text).toContain("операторы");
  });

  it("pages a person in the language last seen on their updates, the group in BOT_LOCALE", async () => {
    const { t, clock } = await build({ ...ONCALL, BOT_LOCALE: "en", ESCALATION: "5m:oncall" });
    // Both people of the rota write once with Russian Telegram: their language_code is kept.
    for (const person of [RU_OPERATOR, { ...SECOND_OPERATOR, language_code: "ru" }]) {
      await say(t, "/oncall", person);
    }
    api.state.healthy = false;
    await probeFor(t, clock, 2 * SECOND, SECOND);
    await t.app.watcher.probe();
    const pagedAt = clock.now().getTime();
    expect(messagesTo(t.fake).find((m) => m.text.includes("api_down"))!.text).toContain(
      "1 alert firing",
    );
    clock.set(new Date(pagedAt + 5 * MINUTE));
    await t.app.paging!.run();
    const personal = t.fake
      .callsTo("sendMessage")
      .map((c) => c.params as unknown as SentMessage)
      .find((m) => m.chat_id !== TEAM_GROUP.id && m.text.includes("api_down"))!;
    expect(personal.text).toContain("<b>Сработал 1 алерт</b>");
    expect(personal.text).toContain("📟 <b>Вызов дежурному</b>: шаг эскалации 1 из 1");
    expect(buttonTitles(personal)[0]).toEqual(["Беру"]);
  });

  it("answers /oncall and /oncall take in the sender's language, announcing in BOT_LOCALE", async () => {
    const { t } = await build({ ...ONCALL, BOT_LOCALE: "en" });
    expect(await say(t, "/oncall")).toMatch(
      /^📟 <b>Дежурный<\/b>: <a href.*<\/a> до \d\d\.\d\d\.\d{4} 09:00 Europe\/Moscow\nСледующий: /,
    );
    expect(await say(t, "/oncall soon")).toBe(ru.t("oncall-usage"));
    expect(await say(t, "/oncall take 1x")).toBe(`⛔ «1x» — не срок. ${ru.t("oncall-usage")}`);

    t.fake.reset();
    await t.post(updates.message("/oncall take 8h", { from: RU_OPERATOR }));
    expect(messagesTo(t.fake, OPERATOR.id)[0]!.text).toContain("взял дежурство до");
    expect(messagesTo(t.fake)[0]!.text).toContain("took the on-call shift until");
  });
});
