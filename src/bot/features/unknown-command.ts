import { Composer } from "grammy";
import type { BotContext } from "../context.js";

/**
 * Last in the chain: a command nobody handled gets a short hint. Edited messages and
 * commands addressed to another bot get nothing.
 */
export function unknownCommandFeature() {
  const feature = new Composer<BotContext>();
  feature.on("message:entities:bot_command", async (ctx, next) => {
    const entity = ctx.message.entities[0];
    if (entity?.type !== "bot_command" || entity.offset !== 0) return next();
    const [, mention] = ctx.message.text?.slice(1, entity.length).split("@") ?? [];
    if (mention !== undefined && mention.toLowerCase() !== ctx.me.username.toLowerCase()) return;
    await ctx.reply("Unknown command. Send /help for the list.");
  });
  return feature;
}
