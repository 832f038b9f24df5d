import type { IncomingMessage, ServerResponse } from "node:http";
import type { Update } from "grammy/types";
import { z } from "zod";
import type { Logger } from "../log/create-logger.js";
import type { Metrics } from "../metrics/metrics.js";
import { createJsonReceiver, sendText } from "./json-receiver.js";

export const MAX_UPDATE_BYTES = 1024 * 1024;
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

const updateShape = z.looseObject({
  update_id: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 53 - 1),
});

export interface WebhookDeps {
  secret: string;
  logger: Logger;
  metrics: Metrics;
  /** Runs one update through the bot. Feature errors are caught inside; a throw here is infrastructure. */
  handleUpdate(update: Update): Promise<void>;
  /**
   * Why updates are refused now (503, so Telegram redelivers them): "starting" before the
   * schema is migrated, "shutting down" after SIGTERM; undefined while taking updates.
   */
  refusal(): string | undefined;
}

export function createWebhookHandler(deps: WebhookDeps) {
  const receive = createJsonReceiver({
    secret: deps.secret,
    presented: (req) => {
      const given = req.headers[SECRET_HEADER];
      return typeof given === "string" ? given : undefined;
    },
    maxBytes: MAX_UPDATE_BYTES,
    refusal: () => deps.refusal(),
    onRefused: (why) => {
      if (why === "unauthorized") deps.metrics.errors.inc({ kind: "webhook_unauthorized" });
    },
  });

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const json = await receive(req, res);
    if (json === undefined) return;
    const parsed = updateShape.safeParse(json);
    if (!parsed.success) return sendText(res, 400, "not a Telegram update");
    const update: Update = parsed.data;

    try {
      await deps.handleUpdate(update);
      sendText(res, 200);
    } catch (error) {
      deps.metrics.errors.inc({ kind: "webhook_infrastructure" });
      deps.logger.error(
        { err: error, update_id: update.update_id },
        "update failed; Telegram will redeliver",
      );
      sendText(res, 500, "internal error");
    }
  };
}
