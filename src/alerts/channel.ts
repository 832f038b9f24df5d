import type { NotificationKind, NotifiedAlert } from "./types.js";

export interface Notification {
  /** The outbox row; 0 for a message sent outside the outbox (PostgreSQL down). */
  outboxId: number;
  kind: NotificationKind;
  alerts: NotifiedAlert[];
  /** undefined: no ALERT_CHAT_ID, the notification is only logged. */
  chatId: number | undefined;
  threadId?: number;
}

export type SendResult =
  | { ok: true; messageId?: number }
  | {
      ok: false;
      error: string;
      retryAfterSeconds?: number;
      /** The group became a supergroup with this id. */
      migrateToChatId?: number;
      /** Worth retrying soon (5xx, network); otherwise back off longer. */
      transient: boolean;
    };

/** Where notifications go; the bot implements it with the Bot API. */
export interface AlertChannel {
  send(notification: Notification): Promise<SendResult>;
}
