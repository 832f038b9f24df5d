import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";
import type { Bot } from "grammy";
import type { InlineKeyboardMarkup, Update } from "grammy/types";
import type { BotContext } from "../bot/context.js";
import type { Clock } from "../clock.js";
import type { Translator } from "../i18n/translator.js";
import type { UploadedFile } from "./bot-api-request.js";
import { CONSOLE_BOT } from "./console-bot-api.js";
import { renderHtml, renderKeyboard, type InlineButton } from "./render.js";

/** The person at the terminal: an operator in a private chat with the bot. */
export const CONSOLE_USER = {
  id: 1,
  is_bot: false,
  first_name: "You",
  username: "console",
} as const;

export interface ConsoleIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { isTTY?: boolean };
}

interface Pressable {
  messageId: number;
  chatId: number;
  data: string;
  text: string;
}

export interface ConsoleChat {
  /** Shows a Bot API call that produced something visible. */
  show(method: string, params: Record<string, unknown>, result: unknown): void;
  /** Reads lines until EOF; resolves once every update has been handled. */
  run(bot: Bot<BotContext>): Promise<void>;
  print(text: string): void;
}

/** `lang`: BOT_LOCALE's, for what the terminal itself says (the bot speaks for itself). */
export function createConsoleChat(io: ConsoleIo, clock: Clock, lang: Translator): ConsoleChat {
  const colour = io.output.isTTY === true;
  let buttons: Pressable[] = [];
  // Update ids are deduplicated in opsbot.seen_updates, which outlives this run: start each
  // run past the last one (a thousand ids per millisecond since the epoch, within 2^53).
  let nextUpdateId = clock.now().getTime() * 1000;
  const print = (text: string) => io.output.write(`${text}\n`);

  const showMessage = (params: Record<string, unknown>, result: unknown, edited: boolean) => {
    const message = result as { message_id?: number; chat?: { id: number } };
    const text = typeof params.text === "string" ? params.text : "";
    const html = params.parse_mode === "HTML";
    const shown = html ? renderHtml(text, colour) : text;
    print(edited ? lang.t("console-edited", { text: shown }) : shown);
    const markup = params.reply_markup as InlineKeyboardMarkup | undefined;
    const rows = (markup?.inline_keyboard ?? []) as InlineButton[][];
    if (rows.length > 0 && message.message_id !== undefined && message.chat) {
      const { message_id, chat } = message;
      buttons = rows.flat().map((b) => ({
        messageId: message_id,
        chatId: chat.id,
        data: b.callback_data ?? "",
        text: b.text,
      }));
      print(renderKeyboard(rows, 1));
    }
  };

  // A terminal cannot show a photo: it is saved under the OS temp dir and its path printed.
  let photoDir: string | undefined;
  const savePhoto = (photo: unknown): string => {
    const file = photo as Partial<UploadedFile> | undefined;
    if (file?.content === undefined) return "(photo)";
    photoDir ??= mkdtempSync(join(tmpdir(), "opsbot-photos-"));
    const path = join(photoDir, `${basename(file.name ?? "photo")}`);
    writeFileSync(path, file.content);
    return path;
  };

  const updateFor = (line: string): Update | string => {
    const base = { update_id: nextUpdateId++ };
    const chat = {
      id: CONSOLE_USER.id,
      type: "private" as const,
      first_name: CONSOLE_USER.first_name,
    };
    if (/^\d+$/.test(line)) {
      const button = buttons[Number(line) - 1];
      if (button === undefined) return lang.t("console-no-button", { n: line });
      return {
        ...base,
        callback_query: {
          id: String(base.update_id),
          from: CONSOLE_USER,
          chat_instance: "console",
          data: button.data,
          message: {
            message_id: button.messageId,
            date: 0,
            chat,
            from: CONSOLE_BOT,
            text: button.text,
          },
        },
      };
    }
    const command = /^\/\S+/.exec(line)?.[0];
    return {
      ...base,
      message: {
        message_id: base.update_id,
        date: Math.floor(clock.now().getTime() / 1000),
        chat,
        from: CONSOLE_USER,
        text: line,
        ...(command
          ? { entities: [{ type: "bot_command" as const, offset: 0, length: command.length }] }
          : {}),
      },
    };
  };

  return {
    print,
    show(method, params, result) {
      if (method === "sendMessage") showMessage(params, result, false);
      else if (method === "editMessageText") showMessage(params, result, true);
      else if (method === "sendDocument") {
        const file = params.document as { name?: string; size?: number } | undefined;
        const document = { name: file?.name ?? "document", size: lang.bytes(file?.size ?? 0) };
        print(
          typeof params.caption === "string"
            ? lang.t("console-document-caption", { ...document, caption: params.caption })
            : lang.t("console-document", document),
        );
      } else if (method === "sendPhoto") {
        print(`🖼 ${savePhoto(params.photo)}`);
        if (typeof params.caption === "string")
          showMessage({ ...params, text: params.caption }, result, false);
      } else if (
        method === "answerCallbackQuery" &&
        typeof params.text === "string" &&
        params.text !== ""
      ) {
        print(lang.t("console-notice", { text: params.text }));
      }
    },
    async run(bot) {
      const lines = createInterface({ input: io.input, terminal: false });
      const prompt = () => {
        if (colour) io.output.write("> ");
      };
      prompt();
      for await (const raw of lines) {
        const line = raw.trim();
        if (line === "") {
          prompt();
          continue;
        }
        const update = updateFor(line);
        if (typeof update === "string") print(update);
        else await bot.handleUpdate(update);
        prompt();
      }
    },
  };
}
