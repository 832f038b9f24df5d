// The role matrix (docs: "Who counts as whom"), driven through the real webhook:
// who gets which answer, and who gets none at all.
import type { Chat, Update, User } from "grammy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COMMANDS, type CommandSpec } from "../../src/bot/commands.js";
import { quickActionsKeyboard } from "../../src/bot/features/ops-queries.js";
import { renderHelp } from "../../src/bot/features/start.js";
import { EN, REFUSAL } from "../kit/english.js";
import type { Role } from "../../src/bot/roles.js";
import { buildTestApp, type TestApp } from "../kit/build-test-app.js";
import {
  ANONYMOUS_ADMIN,
  createUpdates,
  OPERATOR,
  OTHER_GROUP,
  privateChat,
  SECOND_OPERATOR,
  STRANGER,
  TEAM_GROUP,
  TELEGRAM_SERVICE,
  VIEWER,
} from "../kit/updates.js";

const updates = createUpdates(5_000);

/** A channel (or a linked chat) whose posts reach the group with sender_chat set. */
const CHANNEL: Chat.ChannelChat = { id: -1005555555555, type: "channel", title: "LabPics news" };
/** Someone outside the lists who picked the operator's username: usernames grant nothing. */
const IMPOSTOR: User = { id: 4004, is_bot: false, first_name: "Olga", username: "olga_ops" };

const ALWAYS_AVAILABLE = ["start", "help", "whoami", "language"];
// The operator-only commands: a viewer's /help must never offer them.
const OPERATOR_ONLY = ["silence", "unsilence", "deploy", "rollback"];
const HINT = EN.t("unhandled-command");
const VIEWER_COMMANDS = COMMANDS.filter((c) => c.role === "viewer").map((c) => c.command);

interface Button {
  text: string;
  callback_data?: string;
}
const callbackDataOf = (markup: unknown): string[] =>
  ((markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ?? [])
    .flat()
    .flatMap((b) => b.callback_data ?? []);
/** The buttons that exist today (the /start quick actions). */
const QUICK_ACTIONS = callbackDataOf(quickActionsKeyboard(EN));

interface Sent {
  chat_id: unknown;
  text: unknown;
  parse_mode?: unknown;
  message_thread_id?: unknown;
  reply_markup?: unknown;
}

/** Posts the update, expects 200, returns what the bot sent with sendMessage. */
async function exchange(t: TestApp, update: Update): Promise<Sent[]> {
  const res = await t.post(update);
  expect(res.status).toBe(200);
  return t.fake.callsTo("sendMessage").map((c) => c.params as unknown as Sent);
}

/** The one reply the update must get. */
async function onlyReply(t: TestApp, update: Update): Promise<Sent> {
  const sent = await exchange(t, update);
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

/** Posts the update and checks the bot made no Bot API call at all. */
async function expectSilence(t: TestApp, update: Update): Promise<void> {
  const res = await t.post(update);
  expect(res.status).toBe(200);
  expect(t.fake.calls.map((c) => c.method)).toEqual([]);
}

/** Command names listed in a /help text (lines starting with "/name"). */
function listedCommands(text: unknown): string[] {
  return String(text)
    .split("\n")
    .flatMap((line) => /^\/([a-z_]+)/.exec(line)?.[1] ?? []);
}

const namesOf = (specs: readonly CommandSpec[]) => specs.map((c) => c.command);
const roleIn = (text: unknown) => /^role: <code>(\w+)<\/code>$/m.exec(String(text))?.[1];

describe("roles through the webhook", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.fake.reset());

  // [case, the role the bot must see, sender, chat, sender_chat]
  const matrix: [string, Role, User, Chat, Chat | undefined][] = [
    ["an unknown user in private", "unknown", STRANGER, privateChat(STRANGER), undefined],
    ["a viewer in private", "viewer", VIEWER, privateChat(VIEWER), undefined],
    ["an operator in private", "operator", OPERATOR, privateChat(OPERATOR), undefined],
    ["the second operator", "operator", SECOND_OPERATOR, privateChat(SECOND_OPERATOR), undefined],
    ["an unknown user in the team group", "unknown", STRANGER, TEAM_GROUP, undefined],
    ["a viewer in the team group", "viewer", VIEWER, TEAM_GROUP, undefined],
    ["an operator in another group", "operator", OPERATOR, OTHER_GROUP, undefined],
    ["someone with the operator's username", "unknown", IMPOSTOR, privateChat(IMPOSTOR), undefined],
    ["an anonymous admin of the group", "unknown", ANONYMOUS_ADMIN, TEAM_GROUP, TEAM_GROUP],
    ["an operator's id posting as a channel", "unknown", OPERATOR, TEAM_GROUP, CHANNEL],
    // Telegram's 777000 (channel auto-forwards) gets no answer at all: test/telegram/.
  ];

  it.each(matrix)(
    "/whoami and /help see %s as role %s",
    async (_case, role, from, chat, senderChat) => {
      const whoami = await onlyReply(t, updates.message("/whoami", { from, chat, senderChat }));
      expect(roleIn(whoami.text)).toBe(role);
      expect(whoami.chat_id).toBe(chat.id);
      t.fake.reset();

      const help = await onlyReply(t, updates.message("/help", { from, chat, senderChat }));
      expect(help).toMatchObject({
        chat_id: chat.id,
        parse_mode: "HTML",
        text: renderHelp(role, EN),
      });
    },
  );

  it("/whoami tells a stranger their user id, chat id and role unknown", async () => {
    const reply = await onlyReply(t, updates.message("/whoami", { from: STRANGER }));
    expect(reply).toEqual({
      chat_id: STRANGER.id,
      parse_mode: "HTML",
      text: `user id: <code>${STRANGER.id}</code>\nchat id: <code>${STRANGER.id}</code>\nrole: <code>unknown</code>`,
    });
  });

  it("/whoami in a group gives the group's chat id and the member's own user id", async () => {
    const reply = await onlyReply(
      t,
      updates.message("/whoami", { from: VIEWER, chat: TEAM_GROUP }),
    );
    expect(reply.chat_id).toBe(TEAM_GROUP.id);
    expect(reply.text).toContain(`user id: <code>${VIEWER.id}</code>`);
    expect(reply.text).toContain(`chat id: <code>${TEAM_GROUP.id}</code>`);
  });

  it("/whoami from an anonymous admin says the message was sent on behalf of the chat", async () => {
    const reply = await onlyReply(
      t,
      updates.message("/whoami", {
        from: ANONYMOUS_ADMIN,
        chat: TEAM_GROUP,
        senderChat: TEAM_GROUP,
      }),
    );
    expect(reply.text).toContain(`Sent on behalf of chat <code>${TEAM_GROUP.id}</code>`);
    expect(reply.text).toContain("never authorised");
    expect(roleIn(reply.text)).toBe("unknown");
  });

  it("/help to an unknown user is one polite refusal naming /whoami, with only the always-available commands", async () => {
    const reply = await onlyReply(t, updates.message("/help", { from: STRANGER }));
    expect(reply.parse_mode).toBe("HTML");
    expect(reply.text).toContain(
      "You are not on the access list yet: send /whoami and ask an operator to add you.",
    );
    expect(listedCommands(reply.text).sort()).toEqual([...ALWAYS_AVAILABLE].sort());
  });

  it("/start answers like /help, for the caller's role", async () => {
    const reply = await onlyReply(t, updates.message("/start", { from: STRANGER }));
    expect(reply.text).toBe(renderHelp("unknown", EN));
  });

  it("/help to a viewer lists the viewer's commands and no operator-only one", async () => {
    const reply = await onlyReply(t, updates.message("/help", { from: VIEWER }));
    const listed = listedCommands(reply.text);
    expect(reply.text).toContain("You can read production status.");
    expect(listed).toEqual(
      namesOf(COMMANDS.filter((c) => c.role === "unknown" || c.role === "viewer")),
    );
    expect(listed).toEqual(expect.arrayContaining(ALWAYS_AVAILABLE));
    for (const name of OPERATOR_ONLY) expect(listed).not.toContain(name);
  });

  it("/help to an operator lists everything a viewer sees, and the operator's commands", async () => {
    const viewer = listedCommands(
      (await onlyReply(t, updates.message("/help", { from: VIEWER }))).text,
    );
    t.fake.reset();
    const reply = await onlyReply(t, updates.message("/help", { from: OPERATOR }));
    const listed = listedCommands(reply.text);
    expect(reply.text).toContain("You can read status and run guarded actions.");
    expect(listed).toEqual(expect.arrayContaining(viewer));
    expect(listed).toEqual(namesOf(COMMANDS));
  });

  it("each command line in /help carries its description from the catalogue", async () => {
    const reply = await onlyReply(t, updates.message("/help", { from: OPERATOR }));
    for (const c of COMMANDS) {
      expect(String(reply.text)).toMatch(new RegExp(`^/${c.command}\\b.* — `, "m"));
      expect(reply.text).toContain(EN.t(`command-${c.command}`));
    }
  });

  it.each(VIEWER_COMMANDS)(
    "/%s from an unknown user gets the one polite refusal naming /whoami, and no data",
    async (name) => {
      const reply = await onlyReply(t, updates.message(`/${name}`, { from: STRANGER }));
      expect(reply).toMatchObject({ chat_id: STRANGER.id, text: REFUSAL });
      expect(REFUSAL).toContain("/whoami");
    },
  );

  it.each([
    ["an anonymous admin", ANONYMOUS_ADMIN, TEAM_GROUP],
    ["an operator's id posting as a channel", OPERATOR, CHANNEL],
  ])("/health sent on behalf of a chat (%s) is refused", async (_case, from, senderChat) => {
    const update = updates.message("/health", { from, chat: TEAM_GROUP, senderChat });
    expect((await onlyReply(t, update)).text).toBe(REFUSAL);
  });

  it("/start offers the quick-action buttons to a viewer, but not to a stranger nor on /help", async () => {
    const viewerStart = await onlyReply(t, updates.message("/start", { from: VIEWER }));
    expect(callbackDataOf(viewerStart.reply_markup)).toEqual(QUICK_ACTIONS);
    expect(QUICK_ACTIONS.length).toBeGreaterThan(0);
    t.fake.reset();
    const strangerStart = await onlyReply(t, updates.message("/start", { from: STRANGER }));
    expect(strangerStart.reply_markup).toBeUndefined();
    t.fake.reset();
    const viewerHelp = await onlyReply(t, updates.message("/help", { from: VIEWER }));
    expect(viewerHelp.reply_markup).toBeUndefined();
  });

  it.each([
    ...QUICK_ACTIONS,
    "q:deploy",
    "garbage",
    "confirm:00000000-0000-0000-0000-000000000000",
  ])(
    "a stranger's press of a button with data %s gets answerCallbackQuery with the refusal, and nothing else",
    async (data) => {
      const update = updates.callback(data, { from: STRANGER, chat: TEAM_GROUP });
      const res = await t.post(update);
      expect(res.status).toBe(200);
      expect(t.fake.calls.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
      expect(t.fake.calls[0]?.params).toMatchObject({
        callback_query_id: update.callback_query!.id,
        text: REFUSAL,
      });
    },
  );

  it("a viewer's press of the same button is answered, not refused", async () => {
    // Jobs reads only the test database: no dependency on an API being up.
    const data = QUICK_ACTIONS.find((d) => d.endsWith("jobs")) ?? QUICK_ACTIONS[0]!;
    const update = updates.callback(data, { from: VIEWER, chat: TEAM_GROUP });
    expect((await t.post(update)).status).toBe(200);
    const [answer] = t.fake.callsTo("answerCallbackQuery");
    expect(answer?.params.callback_query_id).toBe(update.callback_query!.id);
    expect(answer?.params.text).not.toBe(REFUSAL);
    expect(t.fake.callsTo("sendMessage").map((c) => c.params.chat_id)).toEqual([TEAM_GROUP.id]);
  });

  it.each([
    ["/help", OPERATOR],
    ["/whoami", OPERATOR],
    ["/whoami", STRANGER],
    ["/frobnicate", OPERATOR],
  ])("an edited message with %s runs nothing", async (text, from) => {
    await expectSilence(t, updates.message(text, { from, edited: true }));
  });

  it.each(["/help@otherbot", "/whoami@otherbot", "/frobnicate@otherbot"])(
    "%s (addressed to another bot) gets nothing",
    async (text) => {
      await expectSilence(t, updates.message(text, { from: OPERATOR, chat: TEAM_GROUP }));
    },
  );

  it.each(["/help@opsbot_test_bot", "/help@OpsBot_Test_Bot"])(
    "%s (addressed to this bot) is answered",
    async (text) => {
      const reply = await onlyReply(t, updates.message(text, { from: OPERATOR, chat: TEAM_GROUP }));
      expect(reply).toMatchObject({ chat_id: TEAM_GROUP.id, text: renderHelp("operator", EN) });
    },
  );

  it.each([
    ["an operator", OPERATOR, "/frobnicate"],
    ["a stranger", STRANGER, "/frobnicate"],
    ["an operator naming this bot", OPERATOR, "/frobnicate@opsbot_test_bot"],
  ])("an unknown command from %s gets the short hint", async (_who, from, text) => {
    const reply = await onlyReply(t, updates.message(text, { from }));
    expect(reply).toMatchObject({ chat_id: from.id, text: HINT });
  });

  it("a plain message that is not a command gets nothing", async () => {
    await expectSilence(t, updates.message("deploy please?", { from: OPERATOR }));
  });

  it("answers a command sent in a forum topic inside that topic", async () => {
    const update = updates.message("/help", { from: VIEWER, chat: TEAM_GROUP });
    Object.assign(update.message!, { is_topic_message: true, message_thread_id: 42 });
    const reply = await onlyReply(t, update);
    expect(reply).toMatchObject({ chat_id: TEAM_GROUP.id, message_thread_id: 42 });
  });
});

describe("ids that stand for a chat, even when listed as operators", () => {
  let t: TestApp;
  beforeAll(async () => {
    const ids = [OPERATOR.id, ANONYMOUS_ADMIN.id, TELEGRAM_SERVICE.id].join(",");
    t = await buildTestApp({ env: { OPERATOR_IDS: ids, VIEWER_IDS: ids } });
  });
  afterAll(() => t.close());
  beforeEach(() => t.fake.reset());

  it("Telegram's service id 777000 gets no answer, whatever the allowlist says", async () => {
    await expectSilence(
      t,
      updates.message("/whoami", { from: TELEGRAM_SERVICE, chat: TEAM_GROUP }),
    );
    await expectSilence(
      t,
      updates.message("/health", { from: TELEGRAM_SERVICE, chat: TEAM_GROUP }),
    );
  });

  it.each([["the anonymous admin id 1087968824", ANONYMOUS_ADMIN, TEAM_GROUP]])(
    "%s is never authorised, whatever the allowlist says",
    async (_case, from, senderChat) => {
      const whoami = await onlyReply(
        t,
        updates.message("/whoami", { from, chat: TEAM_GROUP, senderChat }),
      );
      expect(roleIn(whoami.text)).toBe("unknown");
      t.fake.reset();
      const help = await onlyReply(t, updates.message("/help", { from, chat: TEAM_GROUP }));
      expect(help.text).toBe(renderHelp("unknown", EN));
    },
  );
});

describe("with ALLOWED_CHAT_IDS set to the team group", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { ALLOWED_CHAT_IDS: String(TEAM_GROUP.id) } });
  });
  afterAll(() => t.close());
  beforeEach(() => t.fake.reset());

  it("serves /help in the team group", async () => {
    const reply = await onlyReply(
      t,
      updates.message("/help", { from: OPERATOR, chat: TEAM_GROUP }),
    );
    expect(reply).toMatchObject({ chat_id: TEAM_GROUP.id, text: renderHelp("operator", EN) });
  });

  it.each([
    ["/help from an operator in another group", "/help", OPERATOR, OTHER_GROUP],
    ["/start from a viewer in another group", "/start", VIEWER, OTHER_GROUP],
    ["an unknown command in another group", "/frobnicate", OPERATOR, OTHER_GROUP],
    ["/help in an operator's private chat", "/help", OPERATOR, privateChat(OPERATOR)],
  ] as const)("gives nothing to %s", async (_case, text, from, chat) => {
    await expectSilence(t, updates.message(text, { from, chat }));
  });

  it.each([
    ["an operator", OPERATOR, "operator"],
    ["a stranger", STRANGER, "unknown"],
  ] as const)(
    "still answers /whoami from %s in another group, saying the chat is not served",
    async (_who, from, role) => {
      const reply = await onlyReply(t, updates.message("/whoami", { from, chat: OTHER_GROUP }));
      expect(reply.chat_id).toBe(OTHER_GROUP.id);
      expect(reply.text).toContain(`chat id: <code>${OTHER_GROUP.id}</code>`);
      expect(roleIn(reply.text)).toBe(role);
      expect(reply.text).toContain(
        "This chat is not in ALLOWED_CHAT_IDS: only /whoami answers here.",
      );
    },
  );
});
