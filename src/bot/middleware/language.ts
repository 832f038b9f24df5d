import type { MiddlewareFn } from "grammy";
import type { Languages } from "../../i18n/languages.js";
import type { BotContext } from "../context.js";

/** Sets ctx.lang, the language every answer to this update's sender is written in. */
export function language(languages: Languages): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    ctx.lang = languages.ofLanguageCode(ctx.from?.language_code);
    return next();
  };
}
