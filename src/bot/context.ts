import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { Translator } from "../i18n/translator.js";
import type { Logger } from "../log/create-logger.js";
import type { Role } from "./roles.js";

/** Per-update data only; dependencies reach handlers through feature factories. */
export interface OpsFlavor {
  log: Logger;
  role: Role;
  /** The sender's language: every reply to them is written with it. */
  lang: Translator;
  /** false in a chat outside ALLOWED_CHAT_IDS: only /whoami answers there. */
  chatServed: boolean;
  /** Whether this update's button press has been answered (there can be one answer). */
  callbackAnswered(): boolean;
}

// ctx.conversation comes from @grammyjs/conversations (the /rollback dialogue).
export type BotContext = ConversationFlavor<Context & OpsFlavor>;
