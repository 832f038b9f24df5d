import { setWebhook } from "../bot/telegram-setup.js";
import { errorMessage, type ComponentCheck } from "../checks/status.js";
import { createWebhookHandler } from "../http/webhook.js";
import type { Transport, TransportDeps } from "./transport.js";

export interface WebhookTarget {
  /** WEBHOOK_PATH: where the public listener takes updates. */
  path: string;
  /** WEBHOOK_URL: what Telegram is told to call. */
  url: string;
  secret: string;
}

/** Telegram POSTs updates to the public listener; refused with 503 until start and after stop. */
export function createWebhookTransport(deps: TransportDeps, target: WebhookTarget): Transport {
  const { bot, logger } = deps;
  let registered: ComponentCheck = { status: "down", error: "not registered yet" };
  return {
    listens: true,
    routes: {
      [`POST ${target.path}`]: createWebhookHandler({
        secret: target.secret,
        logger,
        metrics: deps.metrics,
        handleUpdate: (update) => bot.handleUpdate(update),
        refusal: deps.refusal,
      }),
    },
    health: { webhook: () => Promise.resolve(registered) },
    async start() {
      // Not fatal (another replica may have registered it), but never silent: /healthz says so.
      registered = await setWebhook(bot, target.url, target.secret, logger, {
        ...deps.retry,
        stop: deps.stopRequested,
      })
        .then((): ComponentCheck => ({ status: "ok" }))
        .catch((error: unknown): ComponentCheck => {
          logger.error({ err: error }, "could not register the webhook");
          return { status: "down", error: `setWebhook failed: ${errorMessage(error)}` };
        });
    },
    // Nothing to stop: from the moment stopping begins, the handler refuses updates (503).
    stop: () => Promise.resolve(),
  };
}
