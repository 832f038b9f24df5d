// Small builders for the updates Telegram sends, so tests read like conversations.
import type { Chat, Update, User } from "grammy/types";

export const OPERATOR: User = { id: 1001, is_bot: false, first_name: "Olga", username: "olga_ops" };
export const SECOND_OPERATOR: User = { id: 1002, is_bot: false, first_name: "Omar" };
export const VIEWER: User = { id: 2002, is_bot: false, first_name: "Vera" };
export const STRANGER: User = { id: 3003, is_bot: false, first_name: "Sam" };
export const ANONYMOUS_ADMIN: User = {
  id: 1087968824,
  is_bot: false,
  first_name: "Group",
  username: "GroupAnonymousBot",
};
export const TELEGRAM_SERVICE: User = { id: 777000, is_bot: false, first_name: "Telegram" };

export const TEAM_GROUP: Chat.SupergroupChat = {
  id: -1001234567890,
  type: "supergroup",
  title: "LabPics ops",
};
export const OTHER_GROUP: Chat.SupergroupChat = {
  id: -1009999999999,
  type: "supergroup",
  title: "Elsewhere",
};
export const privateChat = (user: User): Chat.PrivateChat => ({
  id: user.id,
  type: "private",
  first_name: user.first_name,
});

export interface MessageOptions {
  from?: User;
  chat?: Chat;
  senderChat?: Chat;
  updateId?: number;
  edited?: boolean;
}

/** Builders with their own update_id and message_id counters. */
export function createUpdates(firstId = 1) {
  let nextId = firstId;
  const take = (given?: number) => given ?? nextId++;
  const now = () => Math.floor(Date.now() / 1000);

  function message(text: string, options: MessageOptions = {}): Update {
    const from = options.from ?? OPERATOR;
    const updateId = take(options.updateId);
    const command = /^\/\S+/.exec(text)?.[0];
    const body = {
      message_id: updateId,
      date: now(),
      chat: options.chat ?? privateChat(from),
      from,
      text,
      ...(options.senderChat ? { sender_chat: options.senderChat } : {}),
      ...(command
        ? { entities: [{ type: "bot_command" as const, offset: 0, length: command.length }] }
        : {}),
    };
    // Telegram's types split messages by chat kind; a builder need not.
    return (
      options.edited
        ? { update_id: updateId, edited_message: { ...body, edit_date: now() } }
        : { update_id: updateId, message: body }
    ) as Update;
  }

  function callback(
    data: string,
    options: { from?: User; chat?: Chat; messageId?: number; updateId?: number } = {},
  ): Update {
    const from = options.from ?? OPERATOR;
    const updateId = take(options.updateId);
    return {
      update_id: updateId,
      callback_query: {
        id: `cb${updateId}`,
        from,
        chat_instance: "test",
        data,
        message: {
          message_id: options.messageId ?? 1,
          date: now(),
          chat: options.chat ?? privateChat(from),
          from: { id: 7000000001, is_bot: true, first_name: "Opsbot", username: "opsbot_test_bot" },
          text: "…",
        },
      },
    };
  }

  return { message, command: message, callback, nextId: () => nextId };
}
