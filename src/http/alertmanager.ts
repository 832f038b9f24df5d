import type { IncomingMessage, ServerResponse } from "node:http";
import { parseWebhookPayload, type ReceivedAlert } from "../alertmanager/payload.js";
import type { Logger } from "../log/create-logger.js";
import type { Metrics } from "../metrics/metrics.js";
import { BodyTooLarge, readBody } from "./read-body.js";
import { bearerToken, secretMatcher } from "./secret.js";

/** Room for a group of thousands of alerts; webhook_configs' max_alerts can cap a batch. */
export const MAX_ALERTMANAGER_BYTES = 8 * 1024 * 1024;

export interface AlertmanagerRouteDeps {
  token: string;
  logger: Logger;
  metrics: Metrics;
  /** "starting" until opsbot's schema is migrated (503: Alertmanager retries); else undefined. */
  refusal(): string | undefined;
  /** Stores the batch in one transaction; a throw is answered 500 so Alertmanager retries. */
  store(alerts: ReceivedAlert[]): Promise<void>;
  /** After a stored batch: lets the watcher deliver without waiting for its next tick. */
  onStored?(): void;
}

/** POST /alertmanager: Alertmanager's webhook receiver (webhook_configs with a bearer token). */
export function createAlertmanagerRoute(deps: AlertmanagerRouteDeps) {
  const isToken = secretMatcher(deps.token);
  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!isToken(bearerToken(req.headers.authorization))) {
      deps.metrics.errors.inc({ kind: "alertmanager_unauthorized" });
      return send(res, 401, "unauthorized");
    }
    const refusal = deps.refusal();
    if (refusal !== undefined) return send(res, 503, refusal);

    let body: Buffer;
    try {
      body = await readBody(req, MAX_ALERTMANAGER_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader("connection", "close");
        return send(res, 413, "payload too large");
      }
      throw error;
    }
    const parsed = parseWebhookPayload(body.toString("utf8"));
    if (!parsed.ok) {
      deps.metrics.errors.inc({ kind: "alertmanager_bad_request" });
      return send(res, 400, parsed.error);
    }

    try {
      await deps.store(parsed.alerts);
    } catch (error) {
      deps.metrics.errors.inc({ kind: "alertmanager_store" });
      deps.logger.error(
        { err: error, alerts: parsed.alerts.length },
        "could not store Alertmanager alerts; Alertmanager will retry",
      );
      return send(res, 500, "could not store the alerts; retry");
    }
    const firing = parsed.alerts.filter((a) => a.status === "firing").length;
    deps.metrics.alertmanagerAlerts.inc({ status: "firing" }, firing);
    deps.metrics.alertmanagerAlerts.inc({ status: "resolved" }, parsed.alerts.length - firing);
    deps.onStored?.();
    send(res, 200, "ok");
  };
}
