import { Composer, type CommandMiddleware } from "grammy";
import { commandsFor, handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { bold, escapeHtml } from "../format/html.js";
import { hasRole, type Role } from "../roles.js";
import { quickActionsKeyboard } from "./ops-queries.js";

const ROLE_LINE: Record<Role, string> = {
  unknown: "You are not on the access list yet: send /whoami and ask an operator to add you.",
  viewer: "You can read production status.",
  operator: "You can read status and run guarded actions.",
};

export function renderHelp(role: Role): string {
  const lines = commandsFor(role).map(
    (c) => `/${c.command}${c.args ? ` ${escapeHtml(c.args)}` : ""} — ${escapeHtml(c.description)}`,
  );
  return [bold("opsbot — LabPics Dashboard operations"), ROLE_LINE[role], "", ...lines].join("\n");
}

/** /start and /help: what the bot can do, for the caller's role. */
export function startFeature() {
  const feature = new Composer<BotContext>();
  const help: CommandMiddleware<BotContext> = (ctx) =>
    ctx.reply(renderHelp(ctx.role), {
      parse_mode: "HTML",
      // /start offers the everyday questions as buttons to those allowed to ask them.
      ...(ctx.msg.text.startsWith("/start") && hasRole(ctx.role, "viewer")
        ? { reply_markup: quickActionsKeyboard() }
        : {}),
    });
  handleCommand(feature, "start", help);
  handleCommand(feature, "help", help);
  return feature;
}
