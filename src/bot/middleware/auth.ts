import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../context.js";
import { hasRole, isChatServed, roleOf, type AccessLists, type Role } from "../roles.js";

/** Works out who is asking; features decide what that role may do. */
export function authenticate(access: AccessLists): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const senderChat = (ctx.update.message ?? ctx.update.edited_message)?.sender_chat;
    ctx.role = roleOf(access, { from: ctx.from, senderChat });
    ctx.chatServed = isChatServed(access, ctx.chat?.id);
    await next();
  };
}

export const REFUSAL =
  "Sorry, you are not allowed to do that. Send /whoami and ask an operator to add your user id.";

/** Guards a command or a button; a button press is re-authorised at press time. */
export function requireRole(needed: Role): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (hasRole(ctx.role, needed)) return next();
    ctx.log.info({ role: ctx.role, needed }, "refused");
    if (ctx.callbackQuery !== undefined) {
      await ctx.answerCallbackQuery({ text: REFUSAL, show_alert: true });
    } else {
      await ctx.reply(REFUSAL);
    }
  };
}
