import { Api } from "grammy";
import type { SendResult } from "../alerts/notifier.js";
import type { Translator } from "../i18n/translator.js";
import type { Delivery } from "../sentinel/watch.js";
import { failureOf } from "./alert-channel.js";
import { renderSentinelMessage } from "./render/sentinel.js";

export interface SentinelSender {
  send(delivery: Delivery): Promise<SendResult>;
}

/**
 * The sentinel's messages through the Bot API. The client does not retry by itself: the
 * sentinel keeps each message until Telegram took it and schedules the retries.
 */
export function createSentinelSender(options: {
  /** BOT_LOCALE's: what the sentinel posts is read in the alert group. */
  lang: Translator;
  token: string;
  apiRoot: string;
  timeoutSeconds?: number;
}): SentinelSender {
  const api = new Api(options.token, {
    apiRoot: options.apiRoot,
    // grammY waits 500 s by default; a slow Telegram is retried instead.
    timeoutSeconds: options.timeoutSeconds ?? 10,
    // Network errors must not carry the token in the URL into our logs.
    sensitiveLogs: false,
  });
  return {
    async send(delivery) {
      try {
        const sent = await api.sendMessage(
          delivery.chatId,
          renderSentinelMessage(options.lang, delivery.message),
          {
            parse_mode: "HTML",
            link_preview_options: { is_disabled: true },
            // The page wakes someone; the recovery need not.
            disable_notification: delivery.message.kind === "recovered",
            ...(delivery.threadId !== undefined ? { message_thread_id: delivery.threadId } : {}),
          },
        );
        return { ok: true, messageId: sent.message_id };
      } catch (error) {
        return failureOf(error);
      }
    },
  };
}
