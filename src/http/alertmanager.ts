import type { IncomingMessage, ServerResponse } from "node:http";
import type { StoreOutcome } from "../alertmanager/am-store.js";
import { parseWebhookPayload, type ReceivedAlert } from "../alertmanager/payload.js";
import type { Logger } from "../log/create-logger.js";
import type { Metrics } from "../metrics/metrics.js";
import { createJsonReceiver, sendText } from "./json-receiver.js";
import { bearerToken } from "./secret.js";

/** Room for a group of thousands of alerts; webhook_configs' max_alerts can cap a batch. */
export const MAX_ALERTMANAGER_BYTES = 8 * 1024 * 1024;

export interface AlertmanagerRouteDeps {
  token: string;
  logger: Logger;
  metrics: Metrics;
  /** ALERTMANAGER_MAX_ALERTS and ALERTMANAGER_MAX_FIRING, as the reply names them. */
  maxAlerts: number;
  maxFiring: number;
  now(): Date;
  /** "starting" until opsbot's schema is migrated (503: Alertmanager retries); else undefined. */
  refusal(): string | undefined;
  /**
   * Stores the batch in one transaction, new firing alerts up to maxFiring firing in all;
   * a throw is answered 500 so Alertmanager retries.
   */
  store(alerts: ReceivedAlert[]): Promise<StoreOutcome>;
  /** After a stored batch: lets the watcher deliver without waiting for its next tick. */
  onStored?(): void;
}

/** POST /alertmanager: Alertmanager's webhook receiver (webhook_configs with a bearer token). */
export function createAlertmanagerRoute(deps: AlertmanagerRouteDeps) {
  const badRequest = () => deps.metrics.errors.inc({ kind: "alertmanager_bad_request" });
  const receive = createJsonReceiver({
    secret: deps.token,
    presented: (req) => bearerToken(req.headers.authorization),
    maxBytes: MAX_ALERTMANAGER_BYTES,
    refusal: () => deps.refusal(),
    onRefused: (why) =>
      why === "unauthorized"
        ? deps.metrics.errors.inc({ kind: "alertmanager_unauthorized" })
        : badRequest(),
  });

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const json = await receive(req, res);
    if (json === undefined) return;
    const parsed = parseWebhookPayload(json, { now: deps.now(), maxAlerts: deps.maxAlerts });
    if (!parsed.ok) {
      badRequest();
      return sendText(res, 400, parsed.error);
    }

    let outcome: StoreOutcome;
    try {
      outcome = await deps.store(parsed.alerts);
    } catch (error) {
      deps.metrics.errors.inc({ kind: "alertmanager_store" });
      deps.logger.error(
        { err: error, alerts: parsed.alerts.length },
        "could not store Alertmanager alerts; Alertmanager will retry",
      );
      return sendText(res, 500, "could not store the alerts; retry");
    }
    const firing = parsed.alerts.filter((a) => a.status === "firing").length;
    deps.metrics.alertmanagerAlerts.inc({ status: "firing" }, firing - outcome.overFiring);
    deps.metrics.alertmanagerAlerts.inc({ status: "resolved" }, parsed.alerts.length - firing);
    deps.onStored?.();
    const left = leftOut(parsed, outcome, deps);
    if (left === undefined) return sendText(res, 200, "ok");
    deps.metrics.alertmanagerAlerts.inc(
      { status: "left_out" },
      parsed.overBatch + outcome.overFiring + parsed.refused.length,
    );
    deps.logger.warn(
      {
        received: parsed.received,
        overBatch: parsed.overBatch,
        overFiring: outcome.overFiring,
        refused: parsed.refused.slice(0, 10),
      },
      `Alertmanager batch stored in part: ${left}`,
    );
    // Still 200: a retry would be refused the same way. Alertmanager re-sends what still fires.
    sendText(res, 200, `stored in part: ${left}`);
  };
}

/** What of a stored batch was left out and why, in one line; undefined when nothing was. */
function leftOut(
  parsed: {
    received: number;
    overBatch: number;
    refused: { fingerprint: string; reason: string }[];
  },
  outcome: StoreOutcome,
  limits: { maxAlerts: number; maxFiring: number },
): string | undefined {
  const parts = [
    ...(parsed.overBatch > 0
      ? [
          `${parsed.overBatch} of ${parsed.received} over ALERTMANAGER_MAX_ALERTS=${limits.maxAlerts} a batch`,
        ]
      : []),
    ...(outcome.overFiring > 0
      ? [`${outcome.overFiring} new firing over ALERTMANAGER_MAX_FIRING=${limits.maxFiring}`]
      : []),
    ...(parsed.refused.length > 0
      ? [
          `${parsed.refused.length} refused (${parsed.refused[0]!.fingerprint}: ${parsed.refused[0]!.reason})`,
        ]
      : []),
  ];
  return parts.length > 0 ? `${parts.join("; ")}; not stored` : undefined;
}
