// The alert group became a supergroup: the new chat is served as the old one was, without
// editing ALLOWED_CHAT_IDS, and the alert buttons there work.
import type { Chat, Update } from "grammy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  buildAlertApp,
  buttonData,
  insertStuckWorkers,
  messagesTo,
  startApiHealth,
  tick,
} from "../kit/alerts.js";
import type { TestApp } from "../kit/build-test-app.js";
import { createUpdates, OPERATOR, OTHER_GROUP, TEAM_GROUP, VIEWER } from "../kit/updates.js";

const updates = createUpdates(60_000);
const NEW_CHAT: Chat.SupergroupChat = { id: -1008888888888, type: "supergroup", title: "ops" };

const migratedFrom = (from: number, chat: Chat): Update =>
  ({
    update_id: updates.nextId() + 500,
    message: { message_id: 1, date: 1, chat, from: OPERATOR, migrate_from_chat_id: from },
  }) as Update;

describe("a served group that migrated to a supergroup", () => {
  let t: TestApp;
  let api: Awaited<ReturnType<typeof startApiHealth>>;
  beforeAll(async () => {
    api = await startApiHealth();
    t = await buildAlertApp(api.url, { env: { ALLOWED_CHAT_IDS: String(TEAM_GROUP.id) } });
  });
  afterAll(async () => {
    await t.close();
    await api.close();
  });
  beforeEach(() => t.fake.reset());

  it("records Telegram's service message without answering it", async () => {
    expect((await t.post(migratedFrom(TEAM_GROUP.id, NEW_CHAT))).status).toBe(200);
    expect(t.fake.calls).toEqual([]);
    const { rows } = await t.pool.query(
      "SELECT from_chat_id, to_chat_id FROM opsbot.chat_migrations",
    );
    expect(rows).toEqual([{ from_chat_id: TEAM_GROUP.id, to_chat_id: NEW_CHAT.id }]);
  });

  it("answers /alerts in the new supergroup", async () => {
    await t.post(updates.message("/alerts", { from: VIEWER, chat: NEW_CHAT }));
    expect(messagesTo(t.fake, NEW_CHAT.id)).toHaveLength(1);
  });

  it("sends alerts there, and its Silence buttons work for an operator", async () => {
    await insertStuckWorkers(t.pool, new Date());
    await tick(t);
    const [alert] = messagesTo(t.fake, NEW_CHAT.id);
    const [silence] = buttonData(alert!);
    const messageId = Number(
      (await t.pool.query<{ message_id: string }>("SELECT message_id FROM opsbot.outbox")).rows[0]!
        .message_id,
    );
    t.fake.reset();
    await t.post(updates.callback(silence!, { chat: NEW_CHAT, messageId }));
    const [answer] = t.fake.callsTo("answerCallbackQuery");
    expect(answer?.params.text).toBe("Silenced for 1h.");
  });

  it("does not serve a supergroup that an unlisted group migrated into", async () => {
    const elsewhere: Chat.SupergroupChat = { id: -1006666666666, type: "supergroup", title: "x" };
    await t.post(migratedFrom(OTHER_GROUP.id, elsewhere));
    await t.post(updates.message("/alerts", { from: VIEWER, chat: elsewhere }));
    expect(t.fake.calls).toEqual([]);
  });
});
