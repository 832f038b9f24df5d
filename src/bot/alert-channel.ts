import { GrammyError, InlineKeyboard, type Api } from "grammy";
import type { AlertChannel } from "../alerts/channel.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../log/create-logger.js";
import { renderNotification } from "./render/alerts.js";

export const SILENCE_PREFIX = "sil";
export const SILENCE_CHOICES = { "1h": 3_600_000, "24h": 86_400_000 } as const;

function silenceKeyboard(outboxId: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const choice of Object.keys(SILENCE_CHOICES)) {
    keyboard.text(`Silence ${choice}`, `${SILENCE_PREFIX}:${outboxId}:${choice}`);
  }
  return keyboard;
}

/**
 * Alert messages over the Bot API. The Api given here must not retry by itself: the
 * outbox decides when to try again.
 */
export function createAlertChannel(api: Api, clock: Clock, logger: Logger): AlertChannel {
  return {
    async send(notification) {
      const text = renderNotification(notification.kind, notification.alerts, clock.now());
      if (notification.chatId === undefined) {
        logger.info(
          { kind: notification.kind, alerts: notification.alerts.length, text },
          "alert (ALERT_CHAT_ID not set)",
        );
        return { ok: true };
      }
      const buttons = notification.kind !== "resolved" && notification.outboxId > 0;
      try {
        const message = await api.sendMessage(notification.chatId, text, {
          parse_mode: "HTML",
          link_preview_options: { is_disabled: true },
          ...(notification.threadId !== undefined
            ? { message_thread_id: notification.threadId }
            : {}),
          ...(buttons ? { reply_markup: silenceKeyboard(notification.outboxId) } : {}),
        });
        return { ok: true, messageId: message.message_id };
      } catch (error) {
        if (error instanceof GrammyError) {
          return {
            ok: false,
            error: `${error.error_code} ${error.description}`,
            transient: error.error_code >= 500,
            ...(error.parameters.retry_after !== undefined
              ? { retryAfterSeconds: error.parameters.retry_after }
              : {}),
            ...(error.parameters.migrate_to_chat_id !== undefined
              ? { migrateToChatId: error.parameters.migrate_to_chat_id }
              : {}),
          };
        }
        // Network trouble: the message may or may not have arrived; try again next tick.
        return {
          ok: false,
          error: error instanceof Error ? error.message : String(error),
          transient: true,
        };
      }
    },
  };
}
