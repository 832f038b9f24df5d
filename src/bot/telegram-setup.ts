import { GrammyError, type Api, type Bot } from "grammy";
import type { WebhookInfo } from "../alerts/webhook-info.js";
import type { Logger } from "../log/create-logger.js";
import type { BotContext } from "./context.js";

// Only what a feature handles: edited messages run nothing, so they are not even sent.
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

export interface RetryOptions {
  attempts: number;
  /** Upper bound for one wait, whatever retry_after says. */
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Checked before each wait: true ends the retrying (shutting down). */
  stop?: () => boolean;
}

/**
 * Start-up calls that replicas make together: Telegram may answer 429 (or 409 while a
 * poller holds getUpdates). Wait as told, a bounded number of times.
 */
export async function withStartupRetry<T>(
  what: string,
  call: () => Promise<T>,
  logger: Logger,
  options: RetryOptions,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= options.attempts || options.stop?.()) throw error;
      const retryAfter = error instanceof GrammyError ? error.parameters.retry_after : undefined;
      const delay = Math.min(
        retryAfter !== undefined ? retryAfter * 1000 : 500 * 2 ** attempt,
        options.maxDelayMs,
      );
      logger.warn({ err: error, attempt, retryInMs: delay }, `${what} failed; retrying`);
      await options.sleep(delay);
    }
  }
}

/** Registers the webhook with its secret; pending updates are kept, never dropped. */
export async function setWebhook(
  bot: Bot<BotContext>,
  url: string,
  secret: string,
  logger: Logger,
  retry: RetryOptions,
): Promise<void> {
  await withStartupRetry(
    "setWebhook",
    () =>
      bot.api.setWebhook(url, {
        secret_token: secret,
        allowed_updates: [...ALLOWED_UPDATES],
        drop_pending_updates: false,
      }),
    logger,
    retry,
  );
  logger.info({ url }, "webhook registered");
}

/** getWebhookInfo as plain data for the watcher (unix seconds become a Date). */
export async function readWebhookInfo(api: Api): Promise<WebhookInfo> {
  const info = await api.getWebhookInfo();
  return {
    url: info.url ?? "",
    pendingUpdateCount: info.pending_update_count,
    ...(info.last_error_date !== undefined
      ? { lastErrorDate: new Date(info.last_error_date * 1000) }
      : {}),
    ...(info.last_error_message !== undefined ? { lastErrorMessage: info.last_error_message } : {}),
  };
}
