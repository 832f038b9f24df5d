// The messages the bot has sent, per chat, so that edits and deletes are judged the way
// Telegram judges them: unknown message, unchanged content, ids increasing per chat.
import type { Clock } from "../clock.js";
import {
  badRequest,
  chatIdParam,
  intParam,
  replyMarkupParam,
  stringParam,
  type FormattedText,
} from "./bot-api-params.js";

type Params = Record<string, unknown>;
export type Message = Record<string, unknown> & { message_id: number };

export interface ChatMessages {
  send(p: Params, extra: Params, content: FormattedText): Message;
  edit(p: Params, content: FormattedText | undefined): Message | true;
  remove(p: Params): true;
}

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

export function createChatMessages(bot: object, clock: Clock): ChatMessages {
  const chats = new Map<number, { lastId: number; messages: Map<number, Message> }>();
  const now = () => Math.floor(clock.now().getTime() / 1000);

  function store(chatId: number, message: Message): Message {
    let chat = chats.get(chatId);
    if (!chat) chats.set(chatId, (chat = { lastId: 0, messages: new Map() }));
    chat.lastId = Math.max(chat.lastId, message.message_id);
    chat.messages.set(message.message_id, message);
    return message;
  }

  function existing(p: Params, action: "edit" | "delete") {
    const chatId = chatIdParam(p);
    const message = chats.get(chatId)?.messages.get(intParam(p, "message_id") ?? 0);
    if (!message) throw badRequest(`message to ${action} not found`);
    return { chatId, message };
  }

  return {
    send(p, extra, content) {
      const chatId = chatIdParam(p);
      const thread = intParam(p, "message_thread_id");
      const head: Params = {
        message_id: (chats.get(chatId)?.lastId ?? 0) + 1,
        from: bot,
        chat: { id: chatId, type: chatId < 0 ? "supergroup" : "private" },
        date: now(),
        ...(thread === undefined ? {} : { message_thread_id: thread, is_topic_message: true }),
        ...extra,
      };
      return store(chatId, render(head, content, replyMarkupParam(p)));
    },

    edit(p, content) {
      if (stringParam(p, "inline_message_id") !== "") return true;
      const { chatId, message } = existing(p, "edit");
      const markup = replyMarkupParam(p);
      const isDocument = "document" in message;
      if (content !== undefined && isDocument) {
        throw badRequest("there is no text in the message to edit");
      }
      const oldText = message[isDocument ? "caption" : "text"];
      const kept: FormattedText = {
        text: typeof oldText === "string" ? oldText : "",
        entities: (message[isDocument ? "caption_entities" : "entities"] ?? []) as [],
      };
      const edited = render({ ...message, edit_date: now() }, content ?? kept, markup);
      const shown = (m: Message) =>
        JSON.stringify([m.text, m.caption, m.entities, m.caption_entities, m.reply_markup]);
      if (shown(edited) === shown(message)) throw badRequest(NOT_MODIFIED);
      return store(chatId, edited);
    },

    remove(p) {
      const { chatId, message } = existing(p, "delete");
      chats.get(chatId)?.messages.delete(message.message_id);
      return true;
    },
  };
}

function render(head: Params, content: FormattedText, markup: unknown): Message {
  const {
    text: _t,
    caption: _c,
    entities: _e,
    caption_entities: _ce,
    reply_markup: _r,
    ...message
  } = head as Message;
  const isDocument = "document" in message;
  if (!isDocument) message.text = content.text;
  if (isDocument && content.text !== "") message.caption = content.text;
  if (content.entities.length > 0) {
    message[isDocument ? "caption_entities" : "entities"] = content.entities;
  }
  // Telegram echoes only inline keyboards; reply keyboards live on the client.
  if (typeof markup === "object" && markup !== null && "inline_keyboard" in markup) {
    message.reply_markup = markup;
  }
  return message;
}
