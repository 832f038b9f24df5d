// An operator's side of a guarded action, through the real webhook: send a command, press
// a button, wait for the verdict. For tests that drive whole deploys and rollbacks.
import type { Chat, User } from "grammy/types";
import { expect } from "vitest";
import type { TestApp } from "./build-test-app.js";
import {
  answerTo,
  buttonsOf,
  textsIn,
  waitForState,
  type ActionRecord,
  type SentText,
} from "./actions.js";
import { eventually } from "./eventually.js";
import { createUpdates, OPERATOR } from "./updates.js";

const FINAL = ["succeeded", "failed", "timed_out", "interrupted"];

type Updates = ReturnType<typeof createUpdates>;

/** Sends a message in `chat`; returns the texts the bot sent or edited there in answer. */
export async function sayIn(
  t: TestApp,
  updates: Updates,
  chat: Chat,
  text: string,
  from: User = OPERATOR,
): Promise<SentText[]> {
  const before = textsIn(t.fake, chat.id).length;
  expect((await t.post(updates.message(text, { from, chat }))).status).toBe(200);
  return textsIn(t.fake, chat.id).slice(before);
}

/** Presses a button of a message in `chat`; returns the answerCallbackQuery it must get. */
export async function pressIn(
  t: TestApp,
  updates: Updates,
  chat: Chat,
  press: { data: string; messageId: number; from?: User },
) {
  const update = updates.callback(press.data, {
    from: press.from ?? OPERATOR,
    chat,
    messageId: press.messageId,
  });
  expect((await t.post(update)).status).toBe(200);
  const answer = answerTo(t.fake, update.update_id);
  expect(answer, `the press ${press.data} must be answered`).toBeDefined();
  return answer!;
}

export function createDeployChat(t: TestApp, chat: Chat, firstUpdateId: number) {
  const updates = createUpdates(firstUpdateId);
  const say = (text: string, from: User = OPERATOR) => sayIn(t, updates, chat, text, from);
  const press = (data: string, messageId: number, from: User = OPERATOR) =>
    pressIn(t, updates, chat, { data, messageId, from });

  /** The Confirm button of the newest pending action of this chat. */
  async function pendingAction(): Promise<ActionRecord> {
    const { rows } = await t.pool.query<ActionRecord>(
      `SELECT * FROM opsbot.actions WHERE chat_id = $1 AND state = 'pending'
        ORDER BY created_at DESC LIMIT 1`,
      [chat.id],
    );
    expect(rows[0], "a pending action").toBeDefined();
    return rows[0]!;
  }

  /** Confirms the newest pending action and waits for its final state. */
  async function confirmAndSettle(timeoutMs = 15_000): Promise<ActionRecord> {
    const action = await pendingAction();
    const answer = await press(`act:ok:${action.id}`, action.message_id!);
    expect(answer?.text).toBe("Confirmed: running.");
    return waitForState(t.pool, action.id, FINAL, timeoutMs);
  }

  /** Waits for a message (sent or edited) matching `pattern`; returns its text. */
  async function seen(pattern: RegExp, timeoutMs = 8_000): Promise<string> {
    let found: string | undefined;
    await eventually(
      () =>
        (found = textsIn(t.fake, chat.id).find((m) => pattern.test(m.text))?.text) !== undefined,
      timeoutMs,
      `a message matching ${pattern}`,
    );
    return found!;
  }

  return { say, press, pendingAction, confirmAndSettle, seen, buttonsOf };
}
