// The Bot API's answers, in memory: what Telegram would reply, its validation and error
// texts included, with no network. The console transport and the test kit's fake server
// both answer from here.
import { systemClock, type Clock } from "../clock.js";
import {
  BotApiFailure,
  badRequest,
  chatIdParam,
  jsonParam,
  messageText,
  stringParam,
  textLengthParam,
} from "./bot-api-params.js";
import type { UploadedFile } from "./bot-api-request.js";
import { createChatMessages } from "./chat-messages.js";
import { createWebhookRegistration } from "./webhook-registration.js";

export type BotApiResponse =
  | { ok: true; result: unknown }
  | {
      ok: false;
      error_code: number;
      description: string;
      parameters?: { retry_after?: number; migrate_to_chat_id?: number };
    };

export interface LocalBotApi {
  call(method: string, params: Record<string, unknown>): BotApiResponse;
}

export interface BotInfo {
  id: number;
  first_name: string;
  username: string;
}

type Params = Record<string, unknown>;

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

/** What getMe answers for a bot: also preset as grammY's botInfo to skip the call. */
export function getMeResult(botInfo: BotInfo) {
  return {
    id: botInfo.id,
    is_bot: true as const,
    first_name: botInfo.first_name,
    username: botInfo.username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

export function createLocalBotApi(botInfo: BotInfo, deps: { clock?: Clock } = {}): LocalBotApi {
  const bot = {
    id: botInfo.id,
    is_bot: true,
    first_name: botInfo.first_name,
    username: botInfo.username,
  };
  const messages = createChatMessages(bot, deps.clock ?? systemClock);
  const commands = new Map<string, unknown>();
  const webhook = createWebhookRegistration();
  let uploads = 0;

  /** The file a send* call carries: an upload ({ name, size, content }), a file_id or a URL. */
  function upload(p: Params, field: "document" | "photo") {
    chatIdParam(p);
    const file = p[field];
    if (file === undefined || file === null || file === "") {
      throw badRequest(`there is no ${field} in the request`);
    }
    uploads++;
    const given = typeof file === "object" ? (file as Partial<UploadedFile>) : {};
    const name =
      typeof file === "string" ? /^https?:\/\/.*\/([^/?#]+)/.exec(file)?.[1] : given.name;
    return {
      ids: { file_id: `BQACAgIAAxkBAAI${uploads}`, file_unique_id: `AgAD${uploads}` },
      name,
      size: given.size,
      content: given.content,
    };
  }

  const methods: Record<string, (p: Params) => unknown> = {
    getMe: () => getMeResult(botInfo),
    setMyCommands: (p) => {
      const list = jsonParam(p, "commands");
      if (!Array.isArray(list)) throw badRequest('parameter "commands" is required');
      for (const c of list as { command?: unknown }[]) {
        if (typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) {
          throw badRequest("BOT_COMMAND_INVALID");
        }
      }
      commands.set(commandsKey(p), list);
      return true;
    },
    deleteMyCommands: (p) => commands.delete(commandsKey(p)) || true,
    getMyCommands: (p) => commands.get(commandsKey(p)) ?? [],
    setWebhook: (p) => {
      webhook.set(p);
      return true;
    },
    deleteWebhook: () => {
      webhook.clear();
      return true;
    },
    getWebhookInfo: () => webhook.info(),
    getUpdates: () => {
      if (webhook.active()) {
        throw new BotApiFailure(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        );
      }
      return [];
    },
    sendMessage: (p) => messages.send(p, {}, messageText(p, "text")),
    editMessageText: (p) => messages.edit(p, messageText(p, "text")),
    editMessageReplyMarkup: (p) => messages.edit(p, undefined),
    deleteMessage: (p) => messages.remove(p),
    answerCallbackQuery: (p) => {
      if (stringParam(p, "callback_query_id") === "") {
        throw badRequest("query is too old and response timeout expired or query ID is invalid");
      }
      if (textLengthParam(p, "text") > 200) throw badRequest("MESSAGE_TOO_LONG");
      return true;
    },
    sendChatAction: (p) => {
      chatIdParam(p);
      if (!CHAT_ACTIONS.has(stringParam(p, "action"))) {
        throw badRequest("wrong parameter action in request");
      }
      return true;
    },
    sendDocument: (p) => {
      const file = upload(p, "document");
      const document = {
        ...file.ids,
        ...(file.name !== undefined ? { file_name: file.name } : {}),
        ...(file.size !== undefined ? { file_size: file.size } : {}),
      };
      return messages.send(p, { document }, messageText(p, "caption"));
    },
    sendPhoto: (p) => {
      const file = upload(p, "photo");
      const photo = [
        {
          ...file.ids,
          ...pngSize(file.content),
          ...(file.size !== undefined ? { file_size: file.size } : {}),
        },
      ];
      return messages.send(p, { photo }, messageText(p, "caption"));
    },
  };
  const byLowerName = new Map(Object.entries(methods).map(([k, v]) => [k.toLowerCase(), v]));

  return {
    call(method, params) {
      // Telegram matches method names case-insensitively.
      const handler = byLowerName.get(method.toLowerCase());
      if (!handler) return { ok: false, error_code: 404, description: "Not Found" };
      try {
        return { ok: true, result: handler(params) };
      } catch (err) {
        if (err instanceof BotApiFailure) return err.response;
        throw err;
      }
    },
  };
}

/** Width and height from a PNG's header; Telegram reports them for every photo size. */
function pngSize(content: Buffer | undefined): { width: number; height: number } {
  const isPng =
    content !== undefined && content.length >= 24 && content.readUInt32BE(12) === 0x49484452;
  return isPng
    ? { width: content.readUInt32BE(16), height: content.readUInt32BE(20) }
    : { width: 0, height: 0 };
}

/**
 * One command list per scope and language, as Telegram keeps them: language_code is a
 * two-letter ISO 639-1 code, and empty (or absent) is the list for every other language.
 */
function commandsKey(p: Params): string {
  const scope = jsonParam(p, "scope") ?? { type: "default" };
  const language = stringParam(p, "language_code");
  if (language !== "" && !/^[a-z]{2}$/.test(language)) {
    throw badRequest("invalid language code specified");
  }
  return JSON.stringify([scope, language]);
}
