// /rollback as a dialogue (docs/deploys.md): pick one of the earlier
// successful deploys from buttons, then the same Confirm/Cancel step as /deploy. Driven
// through the real webhook; the dialogue lives in PostgreSQL, so it survives a restart.
import type { Chat, Update, User } from "grammy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REFUSAL } from "../kit/english.js";
import {
  actionById,
  actionsIn,
  answerTo,
  buttonsOf,
  createScriptDir,
  eventually,
  freshGroup,
  insertAction,
  linesOf,
  sentMessageId,
  startHealthStub,
  textsIn,
  waitForState,
  type SentText,
} from "../kit/actions.js";
import { buildTestApp, type TestApp } from "../kit/build-test-app.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { createUpdates, OPERATOR, SECOND_OPERATOR, VIEWER } from "../kit/updates.js";

const updates = createUpdates(930_000);
const NEVER_CRON = "0 0 1 1 *";
const PICKER = "Roll back to which deploy? (newest first; /cancel to stop)";
const HISTORY_CHAT = -1_009_000_000_001;

let scripts: Awaited<ReturnType<typeof createScriptDir>>;
let health: Awaited<ReturnType<typeof startHealthStub>>;
let database: TestDatabase;
let fake: FakeBotApi;
let rollbackScript: string;
let env: Record<string, string>;
let t: TestApp;

beforeAll(async () => {
  scripts = await createScriptDir("opsbot-rollback-");
  health = await startHealthStub();
  database = await createTestDatabase();
  fake = await startFakeBotApi();
  rollbackScript = `${scripts.dir}/rollback.sh`;
  await scripts.write(rollbackScript, "#!/bin/bash\necho rolled back\n");
  env = {
    DEPLOY_SCRIPT: `${scripts.dir}/deploy.sh`,
    ROLLBACK_SCRIPT: rollbackScript,
    API_HEALTH_URL: health.url,
    PROGRESS_EDIT_SECONDS: "1",
    VERIFY_SECONDS: "1",
    WATCH_CRON: NEVER_CRON,
  };
  t = await buildTestApp({ env, database, fake });
});
afterAll(async () => {
  await t.close();
  await fake.close();
  await database.drop();
  await health.close();
  await scripts.remove();
});

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

/**
 * The deploy history every test starts from: v1.3.0 is in place now; v1.2.0 failed;
 * v1.1.0 was deployed twice; a cancelled request never ran.
 */
beforeEach(async () => {
  await t.pool.query("TRUNCATE opsbot.audit, opsbot.actions, opsbot.conversations");
  const rows = [
    { ref: "v1.0.0", state: "succeeded", at: 6 },
    { ref: "v1.1.0", state: "succeeded", at: 5 },
    { ref: "v1.2.0", state: "failed", at: 4 },
    { ref: "v1.1.0", state: "succeeded", at: 3 },
    { ref: "v1.2.1", state: "succeeded", at: 2 },
    { ref: "v9.9.9", state: "cancelled", at: 1.5 },
    { ref: "v1.3.0", state: "succeeded", at: 1 },
  ];
  for (const row of rows) {
    await insertAction(t.pool, {
      ref: row.ref,
      state: row.state,
      chatId: HISTORY_CHAT,
      finishedAt: hoursAgo(row.at),
    });
  }
});

// ---------------------------------------------------------------------------------------

async function post(app: TestApp, update: Update): Promise<void> {
  const res = await app.post(update);
  expect(res.status).toBe(200);
}

async function say(app: TestApp, text: string, from: User, chat: Chat): Promise<SentText[]> {
  const before = textsIn(fake, chat.id).length;
  await post(app, updates.message(text, { from, chat }));
  return textsIn(fake, chat.id).slice(before);
}

async function press(app: TestApp, data: string, chat: Chat, messageId: number, from = OPERATOR) {
  const update = updates.callback(data, { from, chat, messageId });
  await post(app, update);
  return answerTo(fake, update.update_id);
}

/** /rollback; returns the picker's buttons and message id. */
async function openPicker(app: TestApp, chat: Chat, from: User = OPERATOR) {
  const replies = await say(app, "/rollback", from, chat);
  expect(replies).toHaveLength(1);
  expect(replies[0]!.text).toBe(PICKER);
  const messageId = sentMessageId(fake, chat.id, (p) => p.text === PICKER);
  expect(messageId).toBeDefined();
  return { buttons: buttonsOf(replies[0]!.params), messageId: messageId! };
}

const rollbacksIn = async (chat: Chat) =>
  (await actionsIn(t.pool, chat.id)).filter((a) => a.kind === "rollback");

describe("/rollback", () => {
  it("offers the earlier successful deploys, newest first, without the current one or repeats", async () => {
    const chat = freshGroup();

    const { buttons } = await openPicker(t, chat);

    expect(buttons).toEqual([
      { text: "v1.2.1", callback_data: "rbpick:0" },
      { text: "v1.1.0", callback_data: "rbpick:1" },
      { text: "v1.0.0", callback_data: "rbpick:2" },
      { text: "Cancel", callback_data: "rbpick:x" },
    ]);
  });

  it("offers the commits scripts reported, and what ran before the very first deploy", async () => {
    const chat = freshGroup();
    const sha = (c: string) => c.repeat(40);
    const report = (ref: string, commit: string, previous: string) =>
      t.pool.query("UPDATE opsbot.actions SET commit_sha = $2, previous_ref = $3 WHERE ref = $1", [
        ref,
        commit,
        previous,
      ]);
    await report("v1.0.0", sha("a"), sha("f"));
    await report("v1.2.1", sha("c"), sha("b"));

    const { buttons, messageId } = await openPicker(t, chat);

    expect(buttons.map((b) => b.text)).toEqual([
      `v1.2.1 @ ${"c".repeat(12)}`,
      `${"b".repeat(12)} (before v1.2.1)`,
      "v1.1.0",
      `v1.0.0 @ ${"a".repeat(12)}`,
      `${"f".repeat(12)} (before v1.0.0)`,
      "Cancel",
    ]);
    await press(t, buttons[4]!.callback_data, chat, messageId);
    const [pending] = await rollbacksIn(chat);
    expect(pending).toMatchObject({ ref: sha("f"), state: "pending" });
  });

  it("a pick becomes a pending rollback with Confirm/Cancel, and Confirm runs ROLLBACK_SCRIPT with it", async () => {
    const chat = freshGroup();
    const out = scripts.file("rollback-args");
    await scripts.write(
      rollbackScript,
      `#!/bin/bash\nprintf '%s\\n' "$#" "$1" "$OPSBOT_ACTION" > '${out}'\n`,
    );
    const { messageId } = await openPicker(t, chat);
    const before = textsIn(fake, chat.id).length;

    const answer = await press(t, "rbpick:1", chat, messageId);

    expect(answer).toBeDefined();
    expect(answer!.show_alert).toBeUndefined();
    const after = textsIn(fake, chat.id).slice(before);
    expect(after.map((m) => [m.method, m.text])).toEqual([
      ["editMessageText", "Rolling back to <code>v1.1.0</code>."],
      [
        "sendMessage",
        "🚀 <b>Rollback</b> <code>v1.1.0</code> requested by @olga_ops.\nConfirm within 2m.",
      ],
    ]);
    expect(after[0]!.message_id).toBe(messageId);
    const [confirm, cancel] = buttonsOf(after[1]!.params);
    expect([confirm?.text, cancel?.text]).toEqual(["Confirm", "Cancel"]);
    const id = /^act:ok:([0-9a-f-]{36})$/.exec(confirm!.callback_data)![1]!;
    expect(cancel!.callback_data).toBe(`act:no:${id}`);
    const pending = (await actionById(t.pool, id))!;
    expect(pending).toMatchObject({
      kind: "rollback",
      ref: "v1.1.0",
      state: "pending",
      requested_by: OPERATOR.id,
      chat_id: chat.id,
    });
    expect(pending.message_id).toBe(
      sentMessageId(fake, chat.id, (p) => String(p.text).startsWith("🚀 <b>Rollback</b>")),
    );

    const confirmed = await press(t, confirm!.callback_data, chat, pending.message_id!);
    expect(confirmed?.text).toBe("Confirmed: running.");
    const done = await waitForState(t.pool, id, ["succeeded", "failed"]);

    expect(done.state).toBe("succeeded");
    expect(await linesOf(out)).toEqual(["1", "v1.1.0", "rollback"]);
    await eventually(() =>
      textsIn(fake, chat.id).some((m) => m.text.startsWith("✅ succeeded: <b>Rollback</b>")),
    );
  });

  it("survives a restart between /rollback and the press", async () => {
    const chat = freshGroup();
    const before = await buildTestApp({ env, database, fake });
    let messageId: number;
    try {
      ({ messageId } = await openPicker(before, chat));
    } finally {
      await before.close();
    }

    const after = await buildTestApp({ env, database, fake });
    try {
      const answer = await press(after, "rbpick:0", chat, messageId);

      expect(answer).toBeDefined();
      expect(answer!.show_alert).toBeUndefined();
      const rollbacks = await rollbacksIn(chat);
      expect(rollbacks.map((a) => [a.ref, a.state])).toEqual([["v1.2.1", "pending"]]);
      const offer = textsIn(fake, chat.id).at(-1)!;
      expect(offer.text).toContain("<b>Rollback</b> <code>v1.2.1</code> requested by @olga_ops");
      expect(buttonsOf(offer.params).map((b) => b.text)).toEqual(["Confirm", "Cancel"]);
    } finally {
      await after.close();
    }
  });

  it("a dialogue stored by the previous version is dropped: its pick is answered and creates nothing", async () => {
    const chat = freshGroup();
    const { messageId } = await openPicker(t, chat);
    // As an older opsbot left it: the same dialogue under version 1 (the plugin's [0, 1]).
    const { rowCount } = await t.pool.query(
      `UPDATE opsbot.conversations SET value = jsonb_set(value, '{version}', '[0, 1]')
        WHERE key = $1`,
      [`${chat.id}:${OPERATOR.id}`],
    );
    expect(rowCount).toBe(1);

    const answer = await press(t, "rbpick:0", chat, messageId);

    expect(answer, "the press must be answered: no spinner left turning").toBeDefined();
    expect(await rollbacksIn(chat)).toEqual([]);
    // A new /rollback starts afresh.
    const { buttons } = await openPicker(t, chat);
    expect(buttons.length).toBeGreaterThan(0);
  });

  it("/cancel leaves the dialogue; an old pick is then answered and creates nothing", async () => {
    const chat = freshGroup();
    const { messageId } = await openPicker(t, chat);

    const cancelled = await say(t, "/cancel", OPERATOR, chat);
    expect(cancelled.map((m) => m.text)).toEqual(["Cancelled."]);

    const answer = await press(t, "rbpick:0", chat, messageId);

    expect(answer, "the press must be answered: no spinner left turning").toBeDefined();
    expect(await rollbacksIn(chat)).toEqual([]);
    expect(textsIn(fake, chat.id).filter((m) => m.text.includes("Rolling back"))).toEqual([]);
    expect((await say(t, "/cancel", OPERATOR, chat)).map((m) => m.text)).toEqual([
      "Nothing to cancel.",
    ]);
  });

  it("its own Cancel button closes the dialogue without an action", async () => {
    const chat = freshGroup();
    const { messageId } = await openPicker(t, chat);

    const answer = await press(t, "rbpick:x", chat, messageId);

    expect(answer).toBeDefined();
    expect(textsIn(fake, chat.id).at(-1)).toMatchObject({
      method: "editMessageText",
      message_id: messageId,
      text: "Rollback cancelled.",
    });
    expect(await rollbacksIn(chat)).toEqual([]);
  });

  it("while one operator's dialogue is open, others in the group are still answered", async () => {
    const chat = freshGroup();
    const { messageId } = await openPicker(t, chat);

    for (const member of [VIEWER, SECOND_OPERATOR]) {
      const replies = await say(t, "/health", member, chat);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text.startsWith("<b>Health</b>\n")).toBe(true);
    }
    // The operator's own unrelated command goes through too, and the dialogue waits on.
    const own = await say(t, "/health", OPERATOR, chat);
    expect(own).toHaveLength(1);
    expect(own[0]!.text.startsWith("<b>Health</b>\n")).toBe(true);

    await press(t, "rbpick:2", chat, messageId);
    expect((await rollbacksIn(chat)).map((a) => [a.ref, a.state])).toEqual([["v1.0.0", "pending"]]);
  });

  it("another operator's press on someone else's picker starts nothing", async () => {
    const chat = freshGroup();
    const { messageId } = await openPicker(t, chat);

    const answer = await press(t, "rbpick:0", chat, messageId, SECOND_OPERATOR);

    expect(answer).toBeDefined();
    expect(await rollbacksIn(chat)).toEqual([]);
  });

  it("a pick after the choice timed out starts nothing, and is answered", async () => {
    const short = await buildTestApp({
      env: { ...env, CONFIRM_TTL_SECONDS: "1" },
      database,
      fake,
    });
    try {
      const chat = freshGroup();
      const { messageId } = await openPicker(short, chat);
      await new Promise((resolve) => setTimeout(resolve, 1_200));

      const answer = await press(short, "rbpick:0", chat, messageId);

      expect(answer).toBeDefined();
      expect(await rollbacksIn(chat)).toEqual([]);
    } finally {
      await short.close();
    }
  });

  it("a press on an older picker is not read as a choice from the newer one", async () => {
    const chat = freshGroup();
    const old = await openPicker(t, chat);
    expect(old.buttons[0]).toEqual({ text: "v1.2.1", callback_data: "rbpick:0" });
    // A deploy lands in between; the operator opens /rollback again.
    await insertAction(t.pool, { ref: "v1.4.0", state: "succeeded", chatId: HISTORY_CHAT });
    const replies = await say(t, "/rollback", OPERATOR, chat);
    expect(buttonsOf(replies[0]!.params)[0]).toEqual({ text: "v1.3.0", callback_data: "rbpick:0" });

    // The button that says v1.2.1, on the first picker.
    const answer = await press(t, "rbpick:0", chat, old.messageId);

    expect(answer).toBeDefined();
    const refs = (await rollbacksIn(chat)).map((a) => a.ref);
    expect(refs.filter((ref) => ref !== "v1.2.1")).toEqual([]);
  });

  it("refuses a viewer's /rollback", async () => {
    const chat = freshGroup();

    const replies = await say(t, "/rollback", VIEWER, chat);

    expect(replies.map((m) => m.text)).toEqual([REFUSAL]);
    const { rows } = await t.pool.query("SELECT key FROM opsbot.conversations");
    expect(rows).toEqual([]);
  });

  it("says so when there is nothing earlier to roll back to", async () => {
    await t.pool.query("TRUNCATE opsbot.audit, opsbot.actions");
    await insertAction(t.pool, { ref: "v1.3.0", state: "succeeded", chatId: HISTORY_CHAT });
    const chat = freshGroup();

    const replies = await say(t, "/rollback", OPERATOR, chat);

    expect(replies.map((m) => m.text)).toEqual(["No earlier successful deploy to roll back to."]);
    expect(buttonsOf(replies[0]!.params)).toEqual([]);
  });
});
