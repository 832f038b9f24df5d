import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../context.js";
import type { ChatMigrations } from "../features/chat-migration.js";
import { hasRole, isChatServed, roleOf, type AccessLists, type Role } from "../roles.js";

/** Works out who is asking; features decide what that role may do. */
export function authenticate(
  access: AccessLists,
  migrations: Pick<ChatMigrations, "originsOf">,
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const senderChat = (ctx.update.message ?? ctx.update.edited_message)?.sender_chat;
    ctx.role = roleOf(access, { from: ctx.from, senderChat });
    ctx.chatServed = await isServed(ctx, access, migrations);
    await next();
  };
}

/** A listed chat, or a supergroup that a listed group migrated into. */
async function isServed(
  ctx: BotContext,
  access: AccessLists,
  migrations: Pick<ChatMigrations, "originsOf">,
): Promise<boolean> {
  const chatId = ctx.chat?.id;
  if (isChatServed(access, chatId)) return true;
  // Only a supergroup can be what a group migrated into.
  if (chatId === undefined || ctx.chat?.type !== "supergroup") return false;
  try {
    return (await migrations.originsOf(chatId)).some((origin) => isChatServed(access, origin));
  } catch (error) {
    ctx.log.warn({ err: error }, "could not look up chat migrations; chat not served");
    return false;
  }
}

/** Guards a command or a button; a button press is re-authorised at press time. */
export function requireRole(needed: Role): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (hasRole(ctx.role, needed)) return next();
    ctx.log.info({ role: ctx.role, needed }, "refused");
    const refusal = ctx.lang.t("auth-refusal");
    if (ctx.callbackQuery !== undefined) {
      await ctx.answerCallbackQuery({ text: refusal, show_alert: true });
    } else {
      await ctx.reply(refusal);
    }
  };
}
