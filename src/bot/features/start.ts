import { Composer, type CommandMiddleware } from "grammy";
import type { Translator } from "../../i18n/translator.js";
import { commandsFor, handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { bold, escapeHtml } from "../format/html.js";
import { hasRole, type Role } from "../roles.js";
import { quickActionsKeyboard } from "./ops-queries.js";

export function renderHelp(role: Role, lang: Translator): string {
  const lines = commandsFor(role).map(
    (c) =>
      `/${c.command}${c.args ? ` ${escapeHtml(c.args)}` : ""} — ${escapeHtml(lang.t(`command-${c.command}`))}`,
  );
  return [bold(lang.t("help-title")), lang.t(`help-role-${role}`), "", ...lines].join("\n");
}

/** /start and /help: what the bot can do, for the caller's role. */
export function startFeature() {
  const feature = new Composer<BotContext>();
  const help: CommandMiddleware<BotContext> = (ctx) =>
    ctx.reply(renderHelp(ctx.role, ctx.lang), {
      parse_mode: "HTML",
      // /start offers the everyday questions as buttons to those allowed to ask them.
      ...(ctx.msg.text.startsWith("/start") && hasRole(ctx.role, "viewer")
        ? { reply_markup: quickActionsKeyboard(ctx.lang) }
        : {}),
    });
  handleCommand(feature, "start", help);
  handleCommand(feature, "help", help);
  return feature;
}
