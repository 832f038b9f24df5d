import type { IncomingMessage, ServerResponse } from "node:http";
import type { Update } from "grammy/types";
import { z } from "zod";
import type { Logger } from "../log/create-logger.js";
import type { Metrics } from "../metrics/metrics.js";
import { BodyTooLarge, readBody } from "./read-body.js";
import { secretMatcher } from "./secret.js";

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
  const isSecret = secretMatcher(deps.secret);
  const send = (res: ServerResponse, status: number, body = "") => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const given = req.headers[SECRET_HEADER];
    if (typeof given !== "string" || !isSecret(given)) {
      deps.metrics.errors.inc({ kind: "webhook_unauthorized" });
      return send(res, 401, "unauthorized");
    }
    const refusal = deps.refusal();
    if (refusal !== undefined) return send(res, 503, refusal);

    let body: Buffer;
    try {
      body = await readBody(req, MAX_UPDATE_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader("connection", "close");
        return send(res, 413, "payload too large");
      }
      throw error;
    }
    let update: Update;
    try {
      const parsed = updateShape.safeParse(JSON.parse(body.toString("utf8")));
      if (!parsed.success) return send(res, 400, "not a Telegram update");
      update = parsed.data;
    } catch {
      return send(res, 400, "malformed JSON");
    }

    try {
      await deps.handleUpdate(update);
      send(res, 200);
    } catch (error) {
      deps.metrics.errors.inc({ kind: "webhook_infrastructure" });
      deps.logger.error(
        { err: error, update_id: update.update_id },
        "update failed; Telegram will redeliver",
      );
      send(res, 500, "internal error");
    }
  };
}
