import type { MiddlewareFn } from "grammy";
import type { UpdateDedup } from "../../db/update-dedup.js";
import type { Metrics } from "../../metrics/metrics.js";
import type { BotContext } from "../context.js";

/**
 * A redelivered update runs once. When no dedup store answers, the update still runs:
 * a possible duplicate answer beats silence while the database is down.
 */
export function dedup(store: UpdateDedup, metrics: Metrics): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    let firstDelivery = true;
    try {
      firstDelivery = await store.claim(ctx.update.update_id);
    } catch (error) {
      metrics.errors.inc({ kind: "dedup_store" });
      ctx.log.warn({ err: error }, "dedup store unavailable; handling update without dedup");
    }
    if (!firstDelivery) {
      metrics.duplicateUpdates.inc();
      ctx.log.info("duplicate update ignored");
      return;
    }
    try {
      await next();
    } catch (error) {
      // Escaped the error boundary: an infrastructure failure. Forget the claim so that
      // Telegram's redelivery runs the update again.
      await store.release(ctx.update.update_id).catch(() => undefined);
      throw error;
    }
  };
}
