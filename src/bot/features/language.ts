import { Composer } from "grammy";
import type { Languages } from "../../i18n/languages.js";
import { LOCALES, type Locale } from "../../i18n/locales.js";
import type { Translator } from "../../i18n/translator.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";

const nameOf = (lang: Translator) => lang.t(`language-name-${lang.locale}`);
const isLocale = (value: string): value is Locale => LOCALES.some((locale) => locale === value);

/**
 * /language ru | en | auto: anyone's own language, stored. Mounted in served chats only, like
 * every command but /whoami: the choice follows the person everywhere, and outside them
 * anyone on Telegram could write rows into the bot's database.
 */
export function languageFeature(languages: Languages) {
  const feature = new Composer<BotContext>();
  handleCommand(feature, "language", async (ctx) => {
    const arg = ctx.match.trim().toLowerCase();
    const usage = () =>
      ctx.reply(
        `${ctx.lang.t("language-current", { language: nameOf(ctx.lang) })}\n${ctx.lang.t("language-usage")}`,
      );
    if (arg !== "auto" && !isLocale(arg)) return usage();
    // An anonymous admin or a channel: there is no one person to choose for.
    if (ctx.msg.sender_chat !== undefined || ctx.from === undefined)
      return ctx.reply(ctx.lang.t("language-anonymous"));
    const locale = arg === "auto" ? null : arg;
    await languages.choose(ctx.from.id, locale);
    if (locale !== null) return ctx.reply(languages.translator(locale).t("language-chosen"));
    const lang = languages.ofLanguageCode(ctx.from.language_code);
    return ctx.reply(lang.t("language-auto", { language: nameOf(lang) }));
  });
  return feature;
}
