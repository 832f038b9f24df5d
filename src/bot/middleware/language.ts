import type { MiddlewareFn } from "grammy";
import type { Languages } from "../../i18n/languages.js";
import type { BotContext } from "../context.js";
import { roleOf, type AccessLists } from "../roles.js";

/**
 * Sets ctx.lang, the language every answer to this update's sender is written in: their
 * /language choice, else their language_code, else BOT_LOCALE. Cheap enough for every
 * update: one primary-key read of one narrow row (no read for updates without a sender),
 * and a write only when a listed person's language_code changed (they are the ones paged
 * in private). A failing database costs only the choice, never the answer.
 */
export function language(languages: Languages, access: AccessLists): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    ctx.lang =
      from === undefined
        ? languages.group
        : await languages.ofSender(from, { remember: roleOf(access, { from }) !== "unknown" });
    return next();
  };
}
