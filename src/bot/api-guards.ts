import { autoRetry } from "@grammyjs/auto-retry";
import type { Api, RawApi, Transformer } from "grammy";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../log/create-logger.js";
import type { Redactor } from "../log/redact.js";
import { htmlToPlain } from "./format/html.js";

const NOT_MODIFIED = "message is not modified";
const CANT_PARSE = "can't parse entities";

/** Counts every failed attempt, so retried 429s show up in /metrics too. */
function countErrors(metrics: Metrics): Transformer<RawApi> {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok) metrics.telegramErrors.inc({ method, code: String(result.error_code) });
      return result;
    } catch (error) {
      metrics.telegramErrors.inc({ method, code: "0" });
      throw error;
    }
  };
}

/**
 * "message is not modified" means the message already says what we wanted: success.
 * "can't parse entities" falls back once to the same text without markup.
 */
function toleratePresentation(logger: Logger): Transformer<RawApi> {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (result.ok) return result;
    if (result.error_code === 400 && result.description.includes(NOT_MODIFIED)) {
      return { ok: true, result: true as never };
    }
    const p = payload as { parse_mode?: string; text?: unknown };
    if (
      result.error_code === 400 &&
      result.description.includes(CANT_PARSE) &&
      p.parse_mode !== undefined &&
      typeof p.text === "string"
    ) {
      logger.warn({ method, description: result.description }, "falling back to plain text");
      const { parse_mode: _dropped, ...rest } = p;
      return prev(method, { ...rest, text: htmlToPlain(p.text) } as typeof payload, signal);
    }
    return result;
  };
}

/** Secrets never leave in a message, whatever an error happened to contain. */
function redactOutgoing(redact: Redactor): Transformer<RawApi> {
  return (prev, method, payload, signal) => {
    const p = payload as { text?: unknown; caption?: unknown };
    const cleaned = { ...p } as Record<string, unknown>;
    if (typeof p.text === "string") cleaned.text = redact(p.text);
    if (typeof p.caption === "string") cleaned.caption = redact(p.caption);
    return prev(method, cleaned as typeof payload, signal);
  };
}

/**
 * Telegram's 5xx: one retry after a second. (auto-retry's own 5xx backoff starts at 3 s
 * and also sleeps after its last attempt: too long inside a webhook request.)
 */
function retryServerErrorOnce(
  delayMs: number,
  sleep: (ms: number) => Promise<void>,
): Transformer<RawApi> {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (result.ok || result.error_code < 500) return result;
    await sleep(delayMs);
    return prev(method, payload, signal);
  };
}

/** Whether the last Bot API call got through: the paging path's "Telegram ok". */
export interface CallRecorder {
  record(ok: boolean): void;
  lastOk(): boolean;
}

/** No call yet counts as ok: nothing has failed. */
export function createCallRecorder(): CallRecorder {
  let ok = true;
  return {
    record: (outcome) => {
      ok = outcome;
    },
    lastOk: () => ok,
  };
}

/**
 * A call fails the path when Telegram cannot be reached or refuses the bot itself (401,
 * 429, 5xx). A 400 or 403 is about one message or one chat: an alert that cannot be
 * delivered shows as one waiting in the outbox instead.
 */
function recordOutcome(recorder: CallRecorder): Transformer<RawApi> {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      recorder.record(
        result.ok ||
          (result.error_code >= 400 &&
            result.error_code < 500 &&
            result.error_code !== 401 &&
            result.error_code !== 429),
      );
      return result;
    } catch (error) {
      recorder.record(false);
      throw error;
    }
  };
}

export interface ApiGuardOptions {
  metrics: Metrics;
  logger: Logger;
  /**
   * Retries inside the call (a webhook's replies); none for a caller that schedules its own
   * (the alert outbox). maxDelaySeconds: the longest 429 wait worth doing inline (a webhook
   * must answer within seconds); sleep: the app's, for the wait before a 5xx's retry.
   */
  inlineRetry?: { maxDelaySeconds: number; sleep: (ms: number) => Promise<void> };
  redact: Redactor;
  recorder?: CallRecorder;
}

export function installApiGuards(api: Api, options: ApiGuardOptions): void {
  // Installed inner to outer: each wraps the ones before it.
  api.config.use(countErrors(options.metrics));
  if (options.inlineRetry) {
    api.config.use(
      autoRetry({
        // Replies are sent inside a webhook request, which Telegram gives about 10 s: one
        // inline retry of a short 429, nothing longer. auto-retry also sleeps after its
        // last 5xx attempt (3 s, 6 s, ...), so 5xx is not retried inline; durable sends
        // (alerts) retry on the next tick instead.
        maxRetryAttempts: 1,
        maxDelaySeconds: options.inlineRetry.maxDelaySeconds,
        rethrowInternalServerErrors: true,
        // A network error may hide a message that did arrive: do not send it twice.
        rethrowHttpErrors: true,
      }),
    );
    api.config.use(retryServerErrorOnce(1_000, options.inlineRetry.sleep));
  }
  api.config.use(toleratePresentation(options.logger));
  api.config.use(redactOutgoing(options.redact));
  // Outermost: a call retried or tolerated into success counts as the success it became.
  if (options.recorder) api.config.use(recordOutcome(options.recorder));
}
