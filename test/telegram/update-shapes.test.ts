// A corpus of update shapes, written from the Bot API's object definitions (Update,
// Message, CallbackQuery, MessageOrigin, ChatMemberUpdated, …), driven through the real
// webhook against the fake Bot API: each row names the Bot API calls it may cause.
// Most cause none: channel posts, edits, other bots, forwards, captions and service
// messages never run a command nor get an answer (docs/operations.md, Telegram hygiene).
import type { Chat, Update, User } from "grammy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EN } from "../kit/english.js";
import { buildTestApp, type TestApp } from "../kit/build-test-app.js";
import {
  ANONYMOUS_ADMIN,
  OPERATOR,
  privateChat,
  STRANGER,
  TEAM_GROUP,
  TELEGRAM_SERVICE,
  VIEWER,
} from "../kit/updates.js";

const BOT_USERNAME = "opsbot_test_bot";
const OTHER_BOT: User = {
  id: 6000000001,
  is_bot: true,
  first_name: "Other",
  username: "other_bot",
};
const CHANNEL: Chat.ChannelChat = { id: -1005555555555, type: "channel", title: "LabPics news" };
const OLD_GROUP: Chat.GroupChat = { id: -4001234567, type: "group", title: "LabPics ops (old)" };
const FORUM: Chat.SupergroupChat = {
  id: -1007777777777,
  type: "supergroup",
  title: "Ops forum",
  is_forum: true,
};
const DATE = 1_767_225_600;

let nextUpdateId = 40_000;
let nextMessageId = 1;

type Fields = Record<string, unknown>;

/** A message in `chat` from `from`; `text` starting with "/" carries its bot_command entity. */
function message(text: string | undefined, fields: Fields = {}): Fields {
  const chat = (fields.chat as Chat | undefined) ?? TEAM_GROUP;
  const command = text === undefined ? undefined : /^\/\S+/.exec(text)?.[0];
  return {
    message_id: nextMessageId++,
    date: DATE,
    chat,
    ...(chat.type === "channel" ? {} : { from: VIEWER }),
    ...(text === undefined ? {} : { text }),
    ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command.length }] } : {}),
    ...fields,
  };
}

function update(type: string, payload: unknown): Update {
  return { update_id: nextUpdateId++, [type]: payload };
}

const msg = (text: string | undefined, fields?: Fields) => update("message", message(text, fields));

function callback(data: string | undefined, fields: Fields = {}): Update {
  return update("callback_query", {
    id: `cq${nextUpdateId}`,
    from: VIEWER,
    chat_instance: "ci-1",
    ...(data === undefined ? {} : { data }),
    message: message("…", { from: { id: 7000000001, is_bot: true, first_name: "Opsbot" } }),
    ...fields,
  });
}

const ORIGINS: [string, Fields][] = [
  ["a user", { type: "user", date: DATE, sender_user: OPERATOR }],
  ["a hidden user", { type: "hidden_user", date: DATE, sender_user_name: "Olga" }],
  ["a chat", { type: "chat", date: DATE, sender_chat: TEAM_GROUP }],
  ["a channel", { type: "channel", date: DATE, chat: CHANNEL, message_id: 12 }],
];

const autoForward = (text: string) =>
  msg(text, {
    from: TELEGRAM_SERVICE,
    sender_chat: CHANNEL,
    is_automatic_forward: true,
    forward_origin: { type: "channel", date: DATE, chat: CHANNEL, message_id: 5 },
  });

const captioned = (kind: string, media: unknown, caption: string, chat: Chat = TEAM_GROUP) =>
  msg(undefined, {
    chat,
    from: OPERATOR,
    [kind]: media,
    caption,
    caption_entities: [{ type: "bot_command", offset: 0, length: caption.split(" ")[0]!.length }],
  });

const PHOTO = [{ file_id: "ph1", file_unique_id: "u1", width: 90, height: 90 }];
const FILE = { file_id: "f1", file_unique_id: "u2" };
const member = (status: string, user: User = VIEWER) => ({ status, user });
const memberUpdate = (oldStatus: string, newStatus: string, user: User = VIEWER) => ({
  chat: TEAM_GROUP,
  from: OPERATOR,
  date: DATE,
  old_chat_member: member(oldStatus, user),
  new_chat_member: member(newStatus, user),
});

// [shape, update, the Bot API methods it may cause, in order]
const CORPUS: [string, () => Update, string[]][] = [
  // Controls: what the bot does answer, so a silent row means something.
  [
    "/whoami from a stranger in private",
    () => msg("/whoami", { chat: privateChat(STRANGER), from: STRANGER }),
    ["sendMessage"],
  ],
  ["/whoami from a viewer in the group", () => msg("/whoami"), ["sendMessage"]],
  ["/help from a viewer in the group", () => msg("/help"), ["sendMessage"]],
  ["/whoami@thisbot in the group", () => msg(`/whoami@${BOT_USERNAME}`), ["sendMessage"]],
  ["/WHOAMI@ThisBot in another case", () => msg(`/help@OpsBot_Test_Bot`), ["sendMessage"]],
  [
    "/whoami in a forum topic",
    () => msg("/whoami", { chat: FORUM, message_thread_id: 9, is_topic_message: true }),
    ["sendMessage"],
  ],
  ["an unknown command", () => msg("/frobnicate"), ["sendMessage"]],
  [
    "an anonymous admin's /health (refused once)",
    () => msg("/health", { from: ANONYMOUS_ADMIN, sender_chat: TEAM_GROUP }),
    ["sendMessage"],
  ],
  [
    "/whoami posted as a channel by a member",
    () => msg("/whoami", { from: OPERATOR, sender_chat: CHANNEL }),
    ["sendMessage"],
  ],
  ["a stranger's /jobs (refused once)", () => msg("/jobs", { from: STRANGER }), ["sendMessage"]],
  ["/whoami followed by text", () => msg("/whoami please"), ["sendMessage"]],

  // Channels: never answered, whatever they say.
  ...[
    "/whoami",
    "/health",
    "/help",
    "/deploy v9.9.9",
    "/alerts",
    "/silence api_down 2d",
    "hello",
  ].map((text): [string, () => Update, string[]] => [
    `channel_post "${text}"`,
    () => update("channel_post", message(text, { chat: CHANNEL, sender_chat: CHANNEL })),
    [],
  ]),
  [
    "channel_post /whoami@thisbot",
    () =>
      update(
        "channel_post",
        message(`/whoami@${BOT_USERNAME}`, { chat: CHANNEL, sender_chat: CHANNEL }),
      ),
    [],
  ],
  [
    "channel_post photo with a /health caption",
    () =>
      update("channel_post", {
        ...message(undefined, { chat: CHANNEL, sender_chat: CHANNEL }),
        photo: PHOTO,
        caption: "/health",
      }),
    [],
  ],
  [
    "edited_channel_post /whoami",
    () =>
      update("edited_channel_post", {
        ...message("/whoami", { chat: CHANNEL, sender_chat: CHANNEL }),
        edit_date: DATE + 5,
      }),
    [],
  ],
  [
    "edited_channel_post /deploy",
    () =>
      update("edited_channel_post", {
        ...message("/deploy v9.9.9", { chat: CHANNEL, sender_chat: CHANNEL }),
        edit_date: DATE + 5,
      }),
    [],
  ],

  // Edited messages run nothing.
  ...["/whoami", "/help", "/health", "/deploy v9.9.9", "/silence api_down 1h", "/frobnicate"].map(
    (text): [string, () => Update, string[]] => [
      `edited_message "${text}" from an operator`,
      () =>
        update("edited_message", { ...message(text, { from: OPERATOR }), edit_date: DATE + 60 }),
      [],
    ],
  ),

  // Other bots.
  ...["/whoami", "/health", "/deploy v9.9.9", "/frobnicate"].map(
    (text): [string, () => Update, string[]] => [
      `"${text}" from another bot`,
      () => msg(text, { from: OTHER_BOT }),
      [],
    ],
  ),
  [
    "/whoami from another bot in private",
    () =>
      msg("/whoami", {
        from: OTHER_BOT,
        chat: { id: OTHER_BOT.id, type: "private", first_name: "Other" },
      }),
    [],
  ],

  // Channel auto-forwards into the discussion group (777000).
  ...["/whoami", "/health", "/deploy v9.9.9", "/help", "plain post"].map(
    (text): [string, () => Update, string[]] => [
      `automatic forward "${text}"`,
      () => autoForward(text),
      [],
    ],
  ),
  ["777000 without is_automatic_forward", () => msg("/whoami", { from: TELEGRAM_SERVICE }), []],
  [
    "is_automatic_forward with a person as from",
    () => msg("/whoami", { from: OPERATOR, is_automatic_forward: true }),
    [],
  ],

  // Forwards, of every origin: the forwarder did not type the command.
  ...ORIGINS.flatMap(([origin, forward_origin]) =>
    ["/deploy v9.9.9", "/whoami", "/silence api_down 2d"].map(
      (text): [string, () => Update, string[]] => [
        `"${text}" forwarded from ${origin} by an operator`,
        () => msg(text, { from: OPERATOR, forward_origin }),
        [],
      ],
    ),
  ),
  [
    "a forward in private by an operator",
    () =>
      msg("/deploy v9.9.9", {
        from: OPERATOR,
        chat: privateChat(OPERATOR),
        forward_origin: ORIGINS[0]![1],
      }),
    [],
  ],
  [
    "a message sent via an inline bot",
    () => msg("/whoami", { from: OPERATOR, via_bot: OTHER_BOT }),
    [],
  ],

  // Captions are not commands.
  ["photo with a /whoami caption", () => captioned("photo", PHOTO, "/whoami"), []],
  [
    "photo with a /deploy caption in private",
    () => captioned("photo", PHOTO, "/deploy v9.9.9", privateChat(OPERATOR)),
    [],
  ],
  ["document with a /health caption", () => captioned("document", FILE, "/health"), []],
  [
    "video with a /help caption",
    () => captioned("video", { ...FILE, width: 1, height: 1, duration: 1 }, "/help"),
    [],
  ],
  ["audio with a /jobs caption", () => captioned("audio", { ...FILE, duration: 1 }, "/jobs"), []],
  [
    "animation with a /sync caption",
    () => captioned("animation", { ...FILE, width: 1, height: 1, duration: 1 }, "/sync"),
    [],
  ],
  ["voice with a /stuck caption", () => captioned("voice", { ...FILE, duration: 1 }, "/stuck"), []],

  // Commands that are not this bot's, or not at the start.
  ["/whoami@otherbot", () => msg("/whoami@other_bot"), []],
  [
    "/deploy@otherbot from an operator",
    () => msg("/deploy@other_bot v9.9.9", { from: OPERATOR }),
    [],
  ],
  ["/frobnicate@otherbot", () => msg("/frobnicate@other_bot"), []],
  [
    "a command at offset > 0",
    () =>
      msg(undefined, {
        text: "please /whoami",
        entities: [{ type: "bot_command", offset: 7, length: 7 }],
      }),
    [],
  ],
  [
    "a command in the middle of a forum message",
    () =>
      msg(undefined, {
        chat: FORUM,
        message_thread_id: 9,
        text: "run /deploy now",
        entities: [{ type: "bot_command", offset: 4, length: 7 }],
      }),
    [],
  ],
  [
    "a mention of the bot without a command",
    () =>
      msg(undefined, {
        text: `@${BOT_USERNAME} hi`,
        entities: [{ type: "mention", offset: 0, length: 16 }],
      }),
    [],
  ],

  // Plain messages and media.
  ["plain text in the group", () => msg("hello team"), []],
  ["plain text in private", () => msg("hello", { chat: privateChat(VIEWER) }), []],
  [
    "plain text in a forum topic",
    () => msg("hi", { chat: FORUM, message_thread_id: 9, is_topic_message: true }),
    [],
  ],
  [
    "a reply to the bot's message",
    () =>
      msg("thanks", {
        reply_to_message: message("✅ ok", {
          from: { id: 7000000001, is_bot: true, first_name: "Opsbot" },
        }),
      }),
    [],
  ],
  [
    "sticker",
    () =>
      msg(undefined, {
        sticker: {
          ...FILE,
          type: "regular",
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      }),
    [],
  ],
  ["video note", () => msg(undefined, { video_note: { ...FILE, length: 1, duration: 1 } }), []],
  ["location", () => msg(undefined, { location: { latitude: 1, longitude: 2 } }), []],
  [
    "venue",
    () =>
      msg(undefined, {
        venue: { location: { latitude: 1, longitude: 2 }, title: "HQ", address: "Main St" },
      }),
    [],
  ],
  ["contact", () => msg(undefined, { contact: { phone_number: "+100", first_name: "Olga" } }), []],
  ["dice", () => msg(undefined, { dice: { emoji: "🎲", value: 3 } }), []],
  [
    "a poll message",
    () =>
      msg(undefined, {
        poll: {
          id: "p1",
          question: "/deploy?",
          options: [],
          total_voter_count: 0,
          is_closed: false,
          is_anonymous: true,
          type: "regular",
          allows_multiple_answers: false,
        },
      }),
    [],
  ],
  ["a story", () => msg(undefined, { story: { chat: CHANNEL, id: 1 } }), []],

  // Service messages.
  [
    "new_chat_members (the bot added)",
    () =>
      msg(undefined, {
        from: OPERATOR,
        new_chat_members: [
          { id: 7000000001, is_bot: true, first_name: "Opsbot", username: BOT_USERNAME },
        ],
      }),
    [],
  ],
  [
    "new_chat_members (a person joined)",
    () => msg(undefined, { new_chat_members: [STRANGER] }),
    [],
  ],
  ["left_chat_member", () => msg(undefined, { left_chat_member: STRANGER }), []],
  ["new_chat_title", () => msg(undefined, { new_chat_title: "/deploy" }), []],
  ["new_chat_photo", () => msg(undefined, { new_chat_photo: PHOTO }), []],
  ["delete_chat_photo", () => msg(undefined, { delete_chat_photo: true }), []],
  ["group_chat_created", () => msg(undefined, { chat: OLD_GROUP, group_chat_created: true }), []],
  ["supergroup_chat_created", () => msg(undefined, { supergroup_chat_created: true }), []],
  [
    "pinned_message",
    () => msg(undefined, { pinned_message: message("/deploy v9.9.9", { from: OPERATOR }) }),
    [],
  ],
  [
    "message_auto_delete_timer_changed",
    () =>
      msg(undefined, { message_auto_delete_timer_changed: { message_auto_delete_time: 86400 } }),
    [],
  ],
  [
    "forum_topic_created",
    () =>
      msg(undefined, {
        chat: FORUM,
        message_thread_id: 9,
        forum_topic_created: { name: "alerts", icon_color: 1 },
      }),
    [],
  ],
  [
    "forum_topic_closed",
    () => msg(undefined, { chat: FORUM, message_thread_id: 9, forum_topic_closed: {} }),
    [],
  ],
  ["video_chat_started", () => msg(undefined, { video_chat_started: {} }), []],
  [
    "write_access_allowed",
    () => msg(undefined, { chat: privateChat(VIEWER), write_access_allowed: {} }),
    [],
  ],
  ["users_shared", () => msg(undefined, { users_shared: { request_id: 1, users: [] } }), []],
  [
    "migrate_to_chat_id in the old group",
    () => msg(undefined, { chat: OLD_GROUP, from: OPERATOR, migrate_to_chat_id: -1008888888888 }),
    [],
  ],
  [
    "migrate_from_chat_id in the new supergroup",
    () =>
      msg(undefined, {
        chat: { id: -1008888888888, type: "supergroup", title: "new" },
        from: OPERATOR,
        migrate_from_chat_id: OLD_GROUP.id,
      }),
    [],
  ],

  // Update kinds the bot does not serve.
  [
    "business_message /whoami",
    () =>
      update(
        "business_message",
        message("/whoami", {
          business_connection_id: "bc1",
          chat: privateChat(STRANGER),
          from: STRANGER,
        }),
      ),
    [],
  ],
  [
    "edited_business_message",
    () =>
      update(
        "edited_business_message",
        message("/help", {
          business_connection_id: "bc1",
          chat: privateChat(STRANGER),
          from: STRANGER,
        }),
      ),
    [],
  ],
  [
    "business_connection",
    () =>
      update("business_connection", {
        id: "bc1",
        user: OPERATOR,
        user_chat_id: OPERATOR.id,
        date: DATE,
        is_enabled: true,
      }),
    [],
  ],
  [
    "deleted_business_messages",
    () =>
      update("deleted_business_messages", {
        business_connection_id: "bc1",
        chat: privateChat(STRANGER),
        message_ids: [1],
      }),
    [],
  ],
  [
    "message_reaction",
    () =>
      update("message_reaction", {
        chat: TEAM_GROUP,
        message_id: 1,
        user: VIEWER,
        date: DATE,
        old_reaction: [],
        new_reaction: [{ type: "emoji", emoji: "👍" }],
      }),
    [],
  ],
  [
    "message_reaction_count",
    () =>
      update("message_reaction_count", {
        chat: TEAM_GROUP,
        message_id: 1,
        date: DATE,
        reactions: [],
      }),
    [],
  ],
  [
    "inline_query",
    () =>
      update("inline_query", { id: "iq1", from: OPERATOR, query: "/deploy v9.9.9", offset: "" }),
    [],
  ],
  [
    "chosen_inline_result",
    () => update("chosen_inline_result", { result_id: "r1", from: OPERATOR, query: "/deploy" }),
    [],
  ],
  [
    "shipping_query",
    () =>
      update("shipping_query", {
        id: "s1",
        from: STRANGER,
        invoice_payload: "x",
        shipping_address: {
          country_code: "NL",
          state: "",
          city: "A",
          street_line1: "B",
          street_line2: "",
          post_code: "1",
        },
      }),
    [],
  ],
  [
    "pre_checkout_query",
    () =>
      update("pre_checkout_query", {
        id: "pc1",
        from: STRANGER,
        currency: "XTR",
        total_amount: 1,
        invoice_payload: "x",
      }),
    [],
  ],
  [
    "purchased_paid_media",
    () => update("purchased_paid_media", { from: STRANGER, paid_media_payload: "x" }),
    [],
  ],
  [
    "poll",
    () =>
      update("poll", {
        id: "p1",
        question: "q",
        options: [],
        total_voter_count: 0,
        is_closed: true,
        is_anonymous: true,
        type: "regular",
        allows_multiple_answers: false,
      }),
    [],
  ],
  [
    "poll_answer",
    () => update("poll_answer", { poll_id: "p1", user: VIEWER, option_ids: [0] }),
    [],
  ],
  [
    "my_chat_member: added to the group",
    () =>
      update(
        "my_chat_member",
        memberUpdate("left", "member", { id: 7000000001, is_bot: true, first_name: "Opsbot" }),
      ),
    [],
  ],
  [
    "my_chat_member: blocked in private",
    () =>
      update("my_chat_member", {
        ...memberUpdate("member", "kicked", { id: 7000000001, is_bot: true, first_name: "Opsbot" }),
        chat: privateChat(VIEWER),
      }),
    [],
  ],
  ["chat_member: a person joined", () => update("chat_member", memberUpdate("left", "member")), []],
  [
    "chat_join_request",
    () =>
      update("chat_join_request", {
        chat: TEAM_GROUP,
        from: STRANGER,
        user_chat_id: STRANGER.id,
        date: DATE,
      }),
    [],
  ],
  [
    "chat_boost",
    () =>
      update("chat_boost", {
        chat: CHANNEL,
        boost: {
          boost_id: "b1",
          add_date: DATE,
          expiration_date: DATE + 1,
          source: { source: "premium", user: VIEWER },
        },
      }),
    [],
  ],
  [
    "removed_chat_boost",
    () =>
      update("removed_chat_boost", {
        chat: CHANNEL,
        boost_id: "b1",
        remove_date: DATE,
        source: { source: "premium", user: VIEWER },
      }),
    [],
  ],
  [
    "a kind of update from the future",
    () => update("holographic_message", { text: "/deploy" }),
    [],
  ],

  // Button presses: each answered exactly once, never an error.
  [
    "q:health on an inline message (inline_message_id only)",
    () => callback("q:health", { message: undefined, inline_message_id: "im1" }),
    ["answerCallbackQuery"],
  ],
  [
    "q:deploy-ish data on an inline message",
    () => callback("sil:1:1h", { message: undefined, inline_message_id: "im2", from: OPERATOR }),
    ["answerCallbackQuery"],
  ],
  [
    "q:health on an inaccessible message",
    () => callback("q:health", { message: { chat: TEAM_GROUP, message_id: 3, date: 0 } }),
    ["answerCallbackQuery", "sendMessage"],
  ],
  ["q:health from a viewer", () => callback("q:health"), ["answerCallbackQuery", "sendMessage"]],
  [
    "q:health from a stranger (refused)",
    () => callback("q:health", { from: STRANGER }),
    ["answerCallbackQuery"],
  ],
  ["a button with unknown data", () => callback("zz:unknown"), ["answerCallbackQuery"]],
  [
    "a game button (no data)",
    () => callback(undefined, { game_short_name: "g" }),
    ["answerCallbackQuery"],
  ],
  [
    "a press in a forum topic",
    () =>
      callback("q:health", {
        message: message("…", { chat: FORUM, message_thread_id: 9, is_topic_message: true }),
      }),
    ["answerCallbackQuery", "sendMessage"],
  ],
];

describe("update shapes through the webhook", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({
      // A script that exists: a forwarded /deploy must not reach the Confirm prompt.
      env: { DEPLOY_SCRIPT: "/bin/true", API_HEALTH_URL: "http://127.0.0.1:1/health" },
    });
  });
  afterAll(() => t.close());
  beforeEach(() => t.fake.reset());

  it("holds about a hundred shapes", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
  });

  it.each(CORPUS)("%s", async (_shape, build, expected) => {
    const before = t.logs.entries().length;
    const res = await t.post(build());
    expect(res.status).toBe(200);
    expect(t.fake.calls.map((c) => c.method)).toEqual(expected);
    const errors = t.logs
      .entries()
      .slice(before)
      .filter((e) => Number(e.level) >= 50);
    expect(errors).toEqual([]);
  });

  it("answers a press on an inline message with why, and logs no error", async () => {
    await t.post(callback("q:health", { message: undefined, inline_message_id: "im3" }));
    expect(t.fake.callsTo("answerCallbackQuery")[0]?.params).toMatchObject({
      text: EN.t("hygiene-inline-button"),
    });
  });

  it("is done with an inline press even when Telegram refuses the answer (no redelivery)", async () => {
    t.fake.failNext("answerCallbackQuery", {
      kind: "400",
      description: "Bad Request: query is too old and response timeout expired",
    });
    const res = await t.post(
      callback("q:health", { message: undefined, inline_message_id: "im4" }),
    );
    expect(res.status).toBe(200);
    expect(t.fake.callsTo("answerCallbackQuery")).toHaveLength(1);
  });

  it("opens no action for a forwarded /deploy, and stores nothing", async () => {
    const forward = ORIGINS[0]![1];
    await t.post(msg("/deploy v9.9.9", { from: OPERATOR, forward_origin: forward }));
    const { rowCount } = await t.pool.query("SELECT 1 FROM opsbot.actions");
    expect(rowCount).toBe(0);
  });

  it("labels update metrics from a fixed list: anything else is 'other'", async () => {
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(text).toMatch(/opsbot_updates_total\{type="other"\} [1-9]/);
    expect(text).toMatch(/opsbot_updates_total\{type="channel_post"\} [1-9]/);
    expect(text).not.toContain("holographic_message");
  });
});
