// A person's language through the real webhook: their Telegram language_code, BOT_LOCALE for
// the others, /language stored across restarts, the Russian command menu, and PostgreSQL
// down costing only the stored choice.
import type { User } from "grammy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/bot/commands.js";
import { createTranslator } from "../../src/i18n/catalogue.js";
import { applyShape } from "../../src/console/demo/labpics-fixtures.js";
import { buildTestApp, TEST_TOKEN, useTestApp, type TestApp } from "../kit/build-test-app.js";
import { EN } from "../kit/english.js";
import { eventually } from "../kit/eventually.js";
import { closedPort } from "../kit/ports.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { startTcpProxy, type TcpProxy } from "../kit/tcp-proxy.js";
import { createUpdates, OTHER_GROUP, STRANGER, TEAM_GROUP, VIEWER } from "../kit/updates.js";

const RU = createTranslator("ru");
const updates = createUpdates(900_000);
const speaking = (user: User, code: string | undefined): User => {
  const { language_code: _, ...rest } = user;
  return code === undefined ? rest : { ...rest, language_code: code };
};

interface Sent {
  text: string;
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
}

/** The one message the bot sends for this text from `from` (in the team group). */
async function ask(t: TestApp, text: string, from: User): Promise<Sent> {
  t.fake.reset();
  const res = await t.post(updates.message(text, { from, chat: TEAM_GROUP }));
  expect(res.status).toBe(200);
  const sent = t.fake.callsTo("sendMessage");
  expect(sent).toHaveLength(1);
  return sent[0]!.params as unknown as Sent;
}

async function press(t: TestApp, data: string, from: User) {
  t.fake.reset();
  await t.post(updates.callback(data, { from, chat: TEAM_GROUP }));
  return t.fake.calls.map((c) => ({ method: c.method, text: c.params.text as string }));
}

const apiEnv = async () => ({ API_HEALTH_URL: `http://127.0.0.1:${await closedPort()}/health` });
const storedRows = (t: TestApp) =>
  t.pool.query("SELECT user_id, locale, language_code FROM opsbot.language_choices ORDER BY 1");

describe("with BOT_LOCALE=en", () => {
  const t = useTestApp(async () => ({
    env: { ...(await apiEnv()), ALLOWED_CHAT_IDS: String(TEAM_GROUP.id) },
  }));
  beforeAll(async () => {
    await applyShape(t.pool, "reference");
    await t.pool.query(
      `INSERT INTO scheduled_jobs (job_type, status, last_status, last_run_at, next_run_at, last_error)
       VALUES ('search_reindex', 'active', 'failed', now(), now() + interval '1 hour', 'disk full')`,
    );
  });
  beforeEach(() => t.pool.query("TRUNCATE opsbot.language_choices"));

  const ru = speaking(VIEWER, "ru");

  it("answers language_code ru in Russian: /help, /health, /jobs", async () => {
    const help = await ask(t, "/help", ru);
    expect(help.text).toContain(RU.t("help-title"));
    expect(help.text).toContain(`/jobs — ${RU.t("command-jobs")}`);
    expect((await ask(t, "/health", ru)).text).toMatch(/^<b>Состояние<\/b>\n❌ <b>API<\/b> лежит/);
    const jobs = (await ask(t, "/jobs", ru)).text;
    expect(jobs).toContain("<b>Задачи по расписанию</b> — 1 упала, 0 просрочено, всего 1");
    expect(jobs).toContain("задача");
    expect(jobs).toContain(RU.t("jobs-legend"));
  });

  it("refuses in Russian and labels and answers buttons in Russian", async () => {
    expect((await ask(t, "/deploy", ru)).text).toBe(RU.t("auth-refusal"));
    expect((await ask(t, "/health", speaking(STRANGER, "ru-RU"))).text).toBe(RU.t("auth-refusal"));
    const start = await ask(t, "/start", ru);
    expect(start.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual([
      "Состояние",
      "Задачи",
      "Зависшие",
      "Синк",
    ]);
    const pressed = await press(t, "q:jobs", ru);
    expect(pressed.map((c) => c.method)).toEqual(["answerCallbackQuery", "sendMessage"]);
    expect(pressed[1]!.text).toContain("Задачи по расписанию");
    expect(await press(t, "q:nothing", ru)).toEqual([
      { method: "answerCallbackQuery", text: RU.t("unhandled-button-stale") },
    ]);
    expect((await ask(t, "/nosuch", ru)).text).toBe(RU.t("unhandled-command"));
  });

  it("answers en-GB in English, and a language opsbot lacks (de) or none in BOT_LOCALE's", async () => {
    for (const code of ["en-GB", "de", undefined]) {
      const help = await ask(t, "/help", speaking(VIEWER, code));
      expect(help.text, String(code)).toContain(EN.t("help-title"));
    }
  });

  it("/language ru is stored and wins over language_code; auto returns to it", async () => {
    const en = speaking(VIEWER, "en");
    expect((await ask(t, "/language ru", en)).text).toBe(RU.t("language-chosen"));
    expect((await ask(t, "/help", en)).text).toContain(RU.t("help-title"));
    expect((await ask(t, "/language auto", en)).text).toBe(
      EN.t("language-auto", { language: "English" }),
    );
    expect((await ask(t, "/help", en)).text).toContain(EN.t("help-title"));
  });

  it("answers a bad or missing /language argument with its usage and stores nothing", async () => {
    const stranger = speaking(STRANGER, "ru");
    for (const text of ["/language de", "/language", "/language ru en"]) {
      expect((await ask(t, text, stranger)).text).toBe(
        `${RU.t("language-current", { language: "русский" })}\n${RU.t("language-usage")}`,
      );
    }
    expect((await storedRows(t)).rows).toEqual([]);
  });

  it("takes no /language in a chat the bot does not serve", async () => {
    t.fake.reset();
    await t.post(updates.message("/language ru", { from: ru, chat: OTHER_GROUP }));
    expect(t.fake.calls).toEqual([]);
    expect(
      (await storedRows(t)).rows.filter((r: { locale: unknown }) => r.locale !== null),
    ).toEqual([]);
  });

  it("remembers a listed person's language_code when it changes, never a stranger's", async () => {
    await ask(t, "/help", ru);
    await ask(t, "/help", speaking(STRANGER, "ru"));
    expect((await storedRows(t)).rows).toEqual([
      { user_id: VIEWER.id, locale: null, language_code: "ru" },
    ]);
    await ask(t, "/help", speaking(VIEWER, "en"));
    expect((await storedRows(t)).rows).toEqual([
      { user_id: VIEWER.id, locale: null, language_code: "en" },
    ]);
  });

  it("registers the command menu: BOT_LOCALE's by default, Russian for language_code ru", async () => {
    const menu = (lang: typeof EN) =>
      COMMANDS.map(({ command }) => ({ command, description: lang.t(`command-${command}`) }));
    expect(await commandsOf(t, { language_code: "ru" })).toEqual({ ok: true, result: menu(RU) });
    expect(await commandsOf(t, {})).toEqual({ ok: true, result: menu(EN) });
    expect(await commandsOf(t, { language_code: "en" })).toEqual({ ok: true, result: menu(EN) });
    // As Telegram: a language is a two-letter code.
    expect(await commandsOf(t, { language_code: "ru-RU" })).toMatchObject({ ok: false });
  });
});

/** What the (fake) Bot API holds as the command list for these getMyCommands parameters. */
async function commandsOf(t: TestApp, params: Record<string, string>): Promise<unknown> {
  const res = await fetch(`${t.fake.apiRoot}/bot${TEST_TOKEN}/getMyCommands`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return res.json();
}

describe("with BOT_LOCALE=ru", () => {
  const t = useTestApp(async () => ({ env: { ...(await apiEnv()), BOT_LOCALE: "ru" } }));

  it("answers a language opsbot lacks (de) in Russian, and en-GB in English", async () => {
    expect((await ask(t, "/help", speaking(VIEWER, "de"))).text).toContain(RU.t("help-title"));
    expect((await ask(t, "/help", speaking(VIEWER, "en-GB"))).text).toContain(EN.t("help-title"));
  });

  it("registers the Russian menu as the default one", async () => {
    const result = (await commandsOf(t, {})) as { result: { description: string }[] };
    expect(result.result[0]!.description).toBe(RU.t("command-start"));
  });
});

describe("a stored choice", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
  });
  afterAll(() => database.drop());

  it("outlives a restart: a new app on the same database answers in it", async () => {
    const env = await apiEnv();
    const en = speaking(VIEWER, "en");
    const first = await buildTestApp({ database, env });
    try {
      await ask(first, "/language ru", en);
    } finally {
      await first.close();
    }
    const second = await buildTestApp({ database, env });
    try {
      expect((await ask(second, "/whoami", en)).text).toContain("роль: <code>viewer</code>");
    } finally {
      await second.close();
    }
  });
});

describe("with PostgreSQL unreachable", () => {
  // Up at start (the schema is migrated first), then gone behind a proxy.
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  const ru = speaking(VIEWER, "ru");

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    const { hostname, port } = new URL(database.connectionString);
    proxy = await startTcpProxy({ host: hostname, port: Number(port) });
    t = await buildTestApp({
      database,
      env: { ...(await apiEnv()), DATABASE_URL: proxy.urlFor(database.connectionString) },
    });
    // Chosen while the database answered: English, whatever Telegram says.
    await ask(t, "/language en", ru);
    await proxy.cut("refuse");
    const refused = () =>
      t.pool.query("SELECT 1").then(
        () => false,
        (error: { code?: string }) => error.code === "ECONNREFUSED",
      );
    await eventually(refused, 5_000, "pool connections refused");
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await database.drop();
  });

  it("still answers, in the language_code's language: the choice is what is lost", async () => {
    expect((await ask(t, "/whoami", ru)).text).toContain("роль: <code>viewer</code>");
    expect((await ask(t, "/jobs", ru)).text).toBe(
      RU.t("error-database", { reason: RU.t("error-database-unreachable") }),
    );
    expect(t.logs.text()).toContain("could not read a language choice");
  });
});
