import type { Destination } from "./routes.js";
import type { NotificationKind, NotifiedAlert } from "./types.js";

/** One message about a group of alerts, for one destination. */
export interface Notification {
  /** The outbox row; 0 for a message sent outside the outbox (PostgreSQL down). */
  outboxId: number;
  kind: NotificationKind;
  alerts: NotifiedAlert[];
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

/**
 * The last stage of the pipeline: delivers to one destination. The bot implements it
 * with the Bot API (src/bot/alert-channel.ts); the domain knows nothing of Telegram.
 */
export interface Notifier {
  send(notification: Notification): Promise<SendResult>;
}

/** The notifier of a destination (chatId undefined: only logged). */
export type NotifierFor = (destination: Destination) => Notifier;
