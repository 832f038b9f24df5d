import { Composer } from "grammy";
import type { BotContext } from "../context.js";

/**
 * Last in the chain. A command nobody handled gets a short hint (edited messages and
 * commands for another bot get nothing); a button nobody handled is still answered, so
 * no spinner is left turning.
 */
export function unhandledFeature() {
  const feature = new Composer<BotContext>();
  feature.on("message:entities:bot_command", async (ctx, next) => {
    if (!ctx.chatServed) return next();
    const entity = ctx.message.entities[0];
    if (entity?.type !== "bot_command" || entity.offset !== 0) return next();
    const [, mention] = ctx.message.text?.slice(1, entity.length).split("@") ?? [];
    if (mention !== undefined && mention.toLowerCase() !== ctx.me.username.toLowerCase()) return;
    await ctx.reply(ctx.lang.t("unhandled-command"));
  });
  feature.on("callback_query", async (ctx) => {
    const text = ctx.lang.t(
      ctx.role === "unknown"
        ? "auth-refusal"
        : ctx.chatServed
          ? "unhandled-button-stale"
          : "unhandled-button-chat-not-served",
    );
    await ctx.answerCallbackQuery({ text, show_alert: true });
  });
  return feature;
}
