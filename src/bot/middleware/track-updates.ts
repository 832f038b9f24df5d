import type { MiddlewareFn } from "grammy";
import type { Metrics } from "../../metrics/metrics.js";
import type { Logger } from "../../log/create-logger.js";
import { isKnownCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { updateTypeOf } from "../update-type.js";

/** First in the chain: a child logger per update, the update counters, answer tracking. */
export function trackUpdates(logger: Logger, metrics: Metrics): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const type = updateTypeOf(ctx.update);
    ctx.log = logger.child({
      update_id: ctx.update.update_id,
      chat_id: ctx.chat?.id,
      user_id: ctx.from?.id,
    });
    metrics.updates.inc({ type });
    let answered = false;
    if (ctx.callbackQuery !== undefined) {
      // Per-update transformer: the error boundary must not answer a press twice.
      ctx.api.config.use((prev, method, payload, signal) => {
        if (method === "answerCallbackQuery") answered = true;
        return prev(method, payload, signal);
      });
    }
    ctx.callbackAnswered = () => answered;
    const command = commandName(ctx);
    if (command !== undefined) {
      metrics.commands.inc({ command: isKnownCommand(command) ? command : "unknown" });
    }
    const stop = metrics.updateDuration.startTimer();
    const started = performance.now();
    try {
      await next();
    } finally {
      stop();
      ctx.log.debug(
        { type, command, ms: Math.round(performance.now() - started) },
        "update handled",
      );
    }
  };
}

function commandName(ctx: BotContext): string | undefined {
  const entity = ctx.message?.entities?.[0];
  if (entity?.type !== "bot_command" || entity.offset !== 0) return undefined;
  const text = ctx.message?.text ?? "";
  return text.slice(1, entity.length).split("@")[0]?.toLowerCase();
}
