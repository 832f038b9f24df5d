import type { MiddlewareFn } from "grammy";
import type { Message, Update } from "grammy/types";
import type { BotContext } from "../context.js";
import { TELEGRAM_SERVICE_ID } from "../roles.js";
import { updateTypeOf } from "../update-type.js";

// Only these reach the features; everything else (channel posts, edits, business
// messages, reactions, member updates…) is dropped without an answer.
const SERVED_TYPES = new Set(["message", "callback_query"]);

/**
 * Why an update must run nothing and get no answer, or undefined when it may go on.
 * A command is only ever taken from a person typing it: not from a channel, another bot,
 * an automatic or ordinary forward, or a message sent via an inline bot.
 */
export function ignoredBecause(update: Update): string | undefined {
  const type = updateTypeOf(update);
  if (!SERVED_TYPES.has(type)) return type;
  const message = update.message;
  return message === undefined ? undefined : messageIgnoredBecause(message);
}

function messageIgnoredBecause(message: Message): string | undefined {
  if (message.from?.is_bot) return "sent by a bot";
  if (message.is_automatic_forward || message.from?.id === TELEGRAM_SERVICE_ID) {
    return "automatic forward";
  }
  if (message.forward_origin !== undefined) return "forwarded";
  if (message.via_bot !== undefined) return "sent via a bot";
  return undefined;
}

/** Second in the chain: drops what must not be answered before any store or handler sees it. */
export function hygiene(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const reason = ignoredBecause(ctx.update);
    if (reason !== undefined) {
      ctx.log.debug({ reason }, "update ignored");
      return;
    }
    // A button on an inline message (the bot sends none): no chat to answer in.
    if (ctx.callbackQuery !== undefined && ctx.callbackQuery.message === undefined) {
      ctx.log.info("button press without a message ignored");
      // A courtesy: if Telegram refuses it (the press is too old), the update is still done,
      // not an infrastructure failure to be redelivered.
      await ctx
        .answerCallbackQuery({ text: ctx.lang.t("hygiene-inline-button") })
        .catch((error: unknown) => ctx.log.warn({ err: error }, "could not answer the press"));
      return;
    }
    await next();
  };
}
