/**
 * webhook_failing: what Telegram says of the bot's own webhook (getWebhookInfo), in webhook
 * mode only. Telegram delivers updates to WEBHOOK_URL; when it cannot (Caddy down, the
 * certificate expired, the bot answering errors) it keeps them pending and says why.
 */
import { formatUtc, type Clock } from "../clock.js";
import { factTime, short } from "./rules.js";
import type { AlertSource } from "./sources.js";
import type { Alert } from "./types.js";

/** getWebhookInfo's answer, as plain data (the bot layer reads it). */
export interface WebhookInfo {
  url: string;
  pendingUpdateCount: number;
  lastErrorDate?: Date;
  lastErrorMessage?: string;
}

/** A delivery error this recent means Telegram cannot reach the bot now. */
const RECENT_ERROR_MS = 10 * 60_000;
/** This many updates waiting means they are not being taken, whatever the last error. */
const PENDING_LIMIT = 100;
/** Telegram is asked at most this often (per replica): the alert state dedups the rest. */
const WEBHOOK_INFO_EVERY_MS = 5 * 60_000;

/** Pure: the reading in, the alert (none, or one saying which condition holds) out. */
export function webhookAlerts(info: WebhookInfo, now: Date): Alert[] {
  const reasons: string[] = [];
  const errorAt = info.lastErrorDate;
  const recentError = errorAt !== undefined && now.getTime() - errorAt.getTime() <= RECENT_ERROR_MS;
  const minutes = errorAt ? Math.floor((now.getTime() - errorAt.getTime()) / 60_000) : 0;
  const error = info.lastErrorMessage ? short(info.lastErrorMessage) : null;
  if (recentError) {
    reasons.push(
      `last delivery error ${minutes} min ago (${formatUtc(errorAt)})${error ? `: ${error}` : ""}`,
    );
  }
  const backlog = info.pendingUpdateCount >= PENDING_LIMIT;
  if (backlog) reasons.push(`${info.pendingUpdateCount} updates pending`);
  if (reasons.length === 0) return [];
  return [
    {
      fingerprint: "webhook_failing",
      kind: "webhook_failing",
      source: "telegram",
      summary: `Telegram cannot deliver updates to ${info.url || "the webhook"}: ${reasons.join("; ")}`,
      facts: {
        case: recentError && backlog ? "both" : recentError ? "error" : "pending",
        url: info.url || "webhook",
        minutes,
        errorAt: factTime(errorAt),
        error,
        pending: info.pendingUpdateCount,
      },
    },
  ];
}

/**
 * The "telegram" source: getWebhookInfo every WEBHOOK_INFO_EVERY_MS by the clock, the first
 * one interval after start (the webhook was just registered; nor do restarts add readings).
 * Between readings (and when the call fails) it is not evaluated: its alert stays as it is.
 */
export function createWebhookSource(deps: {
  getWebhookInfo: () => Promise<WebhookInfo>;
  clock: Clock;
}): AlertSource {
  let askedAt = deps.clock.now().getTime();
  return {
    source: "telegram",
    async firing() {
      const now = deps.clock.now();
      if (now.getTime() - askedAt < WEBHOOK_INFO_EVERY_MS) return undefined;
      // A failed call counts as asked: Telegram is not asked again before the interval.
      askedAt = now.getTime();
      return webhookAlerts(await deps.getWebhookInfo(), now);
    },
  };
}
