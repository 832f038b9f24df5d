import { Api, GrammyError, HttpError, InputFile } from "grammy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeBotApi, type FakeBotApi } from "./fake-bot-api.js";

const TOKEN = "123456:fake-token";
const CHAT = 4242;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("the call succeeded"),
    (err: unknown) => err,
  );
}

async function grammyError(promise: Promise<unknown>): Promise<GrammyError> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(GrammyError);
  return err as GrammyError;
}

describe("fake Bot API driven by grammY's client", () => {
  let fake: FakeBotApi;
  let api: Api;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    api = new Api(TOKEN, { apiRoot: fake.apiRoot });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it("answers sendMessage with the parsed message and records the call", async () => {
    const first = await api.sendMessage(CHAT, "<b>disk</b> 91% &lt; 95%", { parse_mode: "HTML" });
    const second = await api.sendMessage(CHAT, "again");

    expect(first).toMatchObject({
      text: "disk 91% < 95%",
      entities: [{ type: "bold", offset: 0, length: 4 }],
      chat: { id: CHAT, type: "private" },
      from: { id: fake.botInfo.id, is_bot: true },
    });
    expect(second.message_id).toBe(first.message_id + 1);
    expect(fake.callsTo("sendMessage").map((c) => [c.token, c.params.text])).toEqual([
      [TOKEN, "<b>disk</b> 91% &lt; 95%"],
      [TOKEN, "again"],
    ]);
  });

  it("surfaces a queued 429 as a GrammyError with retry_after, once", async () => {
    fake.failNext("sendMessage", { kind: "429", retryAfter: 3 });

    const err = await grammyError(api.sendMessage(CHAT, "hi"));
    expect(err.error_code).toBe(429);
    expect(err.parameters.retry_after).toBe(3);
    await expect(api.sendMessage(CHAT, "hi")).resolves.toMatchObject({ text: "hi" });
    expect(fake.callsTo("sendMessage")).toHaveLength(2);
  });

  it("gives migrate_to_chat_id for a group upgraded to a supergroup", async () => {
    fake.failNext("*", { kind: "migrate", toChatId: -1001234567890 });

    const err = await grammyError(api.sendMessage(-4567, "hi"));
    expect(err.description).toBe("Bad Request: group chat was upgraded to a supergroup chat");
    expect(err.parameters.migrate_to_chat_id).toBe(-1001234567890);
  });

  it("answers 500 and the can't-parse-entities fault as Telegram would", async () => {
    fake.failNext("sendMessage", { kind: "500" });
    fake.failNext("sendMessage", { kind: "cant-parse-entities" });

    expect((await grammyError(api.sendMessage(CHAT, "a"))).error_code).toBe(500);
    const err = await grammyError(api.sendMessage(CHAT, "a"));
    expect(err.error_code).toBe(400);
    expect(err.description).toMatch(/^Bad Request: can't parse entities: /);
  });

  it("refuses an edit that changes nothing, and an edit of an unknown message", async () => {
    const keyboard = { inline_keyboard: [[{ text: "Retry", callback_data: "retry:7" }]] };
    const sent = await api.sendMessage(CHAT, "<i>deploy</i> running", {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });

    const unchanged = api.editMessageText(CHAT, sent.message_id, "<i>deploy</i> running", {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
    expect((await grammyError(unchanged)).description).toMatch(
      /^Bad Request: message is not modified: /,
    );
    const edited = await api.editMessageText(CHAT, sent.message_id, "deploy done");
    expect(edited).toMatchObject({ text: "deploy done", message_id: sent.message_id });
    expect(edited).toHaveProperty("edit_date", expect.any(Number));
    expect(edited).not.toHaveProperty("reply_markup");
    const unknown = api.editMessageText(CHAT, 999_999, "x");
    expect((await grammyError(unknown)).description).toBe("Bad Request: message to edit not found");
  });

  it("rejects malformed HTML with Telegram's can't-parse-entities texts", async () => {
    const unclosed = api.sendMessage(CHAT, "<b>load", { parse_mode: "HTML" });
    expect((await grammyError(unclosed)).description).toBe(
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );
    const unknownTag = api.sendMessage(CHAT, "é <br>", { parse_mode: "HTML" });
    expect((await grammyError(unknownTag)).description).toBe(
      `Bad Request: can't parse entities: Unsupported start tag "br" at byte offset 3`,
    );
    const bareLessThan = api.sendMessage(CHAT, "load < 5", { parse_mode: "HTML" });
    expect((await grammyError(bareLessThan)).error_code).toBe(400);
  });

  it("limits callback_data to 64 bytes, not characters", async () => {
    const button = (data: string) => ({
      reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: data }]] },
    });

    await expect(api.sendMessage(CHAT, "ok", button("x".repeat(64)))).resolves.toBeDefined();
    const long = await grammyError(api.sendMessage(CHAT, "no", button("x".repeat(65))));
    expect(long.description).toBe("Bad Request: BUTTON_DATA_INVALID");
    const cyrillic = await grammyError(api.sendMessage(CHAT, "no", button("й".repeat(33))));
    expect(cyrillic.description).toBe("Bad Request: BUTTON_DATA_INVALID");
  });

  it("limits text to 4096 characters after entity parsing", async () => {
    const tooLong = await grammyError(api.sendMessage(CHAT, "a".repeat(4097)));
    expect(tooLong.description).toBe("Bad Request: message is too long");
    const markup = await api.sendMessage(CHAT, `<b>${"a".repeat(4096)}</b>`, {
      parse_mode: "HTML",
    });
    expect(markup.text).toHaveLength(4096);
    const empty = await grammyError(api.sendMessage(CHAT, "<b></b>", { parse_mode: "HTML" }));
    expect(empty.description).toBe("Bad Request: message text is empty");
  });

  it("limits answerCallbackQuery text to 200 characters", async () => {
    await expect(api.answerCallbackQuery("q1", { text: "a".repeat(200) })).resolves.toBe(true);
    const err = await grammyError(api.answerCallbackQuery("q2", { text: "a".repeat(201) }));
    expect(err.description).toBe("Bad Request: MESSAGE_TOO_LONG");
  });

  it("accepts a multipart sendDocument upload and records the file's name and size", async () => {
    const sent = await api.sendDocument(CHAT, new InputFile(Buffer.from("log"), "log.txt"), {
      caption: "<code>tail</code>",
      parse_mode: "HTML",
    });

    expect(sent.document).toMatchObject({ file_name: "log.txt", file_size: 3 });
    expect(sent.caption).toBe("tail");
    const [call] = fake.callsTo("sendDocument");
    expect(call?.params).toMatchObject({
      chat_id: String(CHAT),
      document: { name: "log.txt", size: 3 },
    });
  });

  it("reads form-encoded params: numbers and reply_markup arrive as strings", async () => {
    const markup = { inline_keyboard: [[{ text: "Ack", callback_data: "ack:1" }]] };
    const body = new URLSearchParams({
      chat_id: "-100777",
      text: "a &amp; b",
      parse_mode: "HTML",
      reply_markup: JSON.stringify(markup),
    });

    const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendMessage`, { method: "POST", body });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toMatchObject({
      ok: true,
      result: { text: "a & b", chat: { id: -100777, type: "supergroup" }, reply_markup: markup },
    });
  });

  it("lets a hanging call run into the client's timeout, and records it", async () => {
    const impatient = new Api(TOKEN, { apiRoot: fake.apiRoot, timeoutSeconds: 0.3 });
    fake.failNext("getMe", { kind: "hang" });

    expect(await rejection(impatient.getMe())).toBeInstanceOf(HttpError);
    expect(fake.callsTo("getMe")).toHaveLength(1);
  });

  it("drops the connection on a reset fault", async () => {
    fake.failNext("sendChatAction", { kind: "reset" });

    expect(await rejection(api.sendChatAction(CHAT, "typing"))).toBeInstanceOf(HttpError);
    await expect(api.sendChatAction(CHAT, "typing")).resolves.toBe(true);
  });

  it("waits for a call that is still to come", async () => {
    const waiting = fake.waitForCall("deleteMessage", (c) => c.params.message_id === 1);

    const sent = await api.sendMessage(CHAT + 1, "temporary");
    await api.deleteMessage(CHAT + 1, sent.message_id);
    expect((await waiting).params.chat_id).toBe(CHAT + 1);
    const again = await grammyError(api.deleteMessage(CHAT + 1, sent.message_id));
    expect(again.description).toBe("Bad Request: message to delete not found");
  });

  it("answers 404 for a method Telegram does not have", async () => {
    const raw = api.raw as unknown as Record<string, () => Promise<unknown>>;

    const err = await grammyError(raw.sendTelepathy!());
    expect([err.error_code, err.description]).toEqual([404, "Not Found"]);
  });
});

describe("closing the fake Bot API", () => {
  it("ends hanging requests instead of waiting for them", async () => {
    const fake = await startFakeBotApi();
    const api = new Api(TOKEN, { apiRoot: fake.apiRoot });
    fake.failNext("*", { kind: "hang" });
    const hanging = rejection(api.getMe());
    await fake.waitForCall("getMe");

    await fake.close();
    expect(await hanging).toBeInstanceOf(HttpError);
  });
});

describe("fake Bot API's getWebhookInfo", () => {
  let fake: FakeBotApi;
  let api: Api;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    api = new Api(TOKEN, { apiRoot: fake.apiRoot });
  });
  afterAll(() => fake.close());

  it("answers Telegram's WebhookInfo: what setWebhook set, and the delivery facts a test gives", async () => {
    expect(await api.getWebhookInfo()).toEqual({
      url: "",
      has_custom_certificate: false,
      pending_update_count: 0,
    });

    await api.setWebhook("https://bot.example/hook", {
      allowed_updates: ["message"],
      max_connections: 10,
      ip_address: "203.0.113.7",
    });
    expect(await api.getWebhookInfo()).toEqual({
      url: "https://bot.example/hook",
      has_custom_certificate: false,
      pending_update_count: 0,
      ip_address: "203.0.113.7",
      max_connections: 10,
      allowed_updates: ["message"],
    });

    fake.setWebhookInfo({
      pendingUpdateCount: 120,
      lastErrorDate: new Date("2026-12-01T03:00:00.900Z"),
      lastErrorMessage: "Connection refused",
      lastSynchronizationErrorDate: new Date("2026-12-01T02:00:00Z"),
    });
    expect(await api.getWebhookInfo()).toMatchObject({
      url: "https://bot.example/hook",
      pending_update_count: 120,
      last_error_date: Date.parse("2026-12-01T03:00:00Z") / 1000,
      last_error_message: "Connection refused",
      last_synchronization_error_date: Date.parse("2026-12-01T02:00:00Z") / 1000,
    });

    fake.setWebhookInfo({});
    await api.deleteWebhook();
    await api.setWebhook("https://bot.example/other");
    expect(await api.getWebhookInfo()).toEqual({
      url: "https://bot.example/other",
      has_custom_certificate: false,
      pending_update_count: 0,
      max_connections: 40,
    });
  });
});
