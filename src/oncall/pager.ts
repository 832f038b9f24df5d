/**
 * How on call reaches people. The bot implements it with the Bot API
 * (src/bot/oncall-pager.ts); the domain knows nothing of Telegram.
 */
import type { Destination } from "../alerts/routes.js";
import type { NotifiedAlert } from "../alerts/types.js";

export type PageResult =
  /** chatId and messageId: none when only logged (no chat to send to). */
  | { ok: true; chatId?: number; messageId?: number }
  /**
   * refused: Telegram will not take it (403: never started the bot); else try again, after
   * retryAfterSeconds when Telegram said so (429).
   */
  | { ok: false; refused: boolean; error: string; retryAfterSeconds?: number };

export interface Handover {
  person: number;
  until: Date;
  next: number;
  openAlerts: number;
}

export interface Escalation {
  /** Names the step's Ack button. */
  stepId: number;
  step: number;
  steps: number;
  /** The critical alerts of the page still unacknowledged. */
  alerts: NotifiedAlert[];
  firstPageAt: Date;
}

export interface Pager {
  handover(to: Destination, handover: Handover): Promise<PageResult>;
  /** A private message with the alerts, an Ack button and the runbook buttons. */
  page(userId: number, escalation: Escalation): Promise<PageResult>;
  /** A message with sound in the alert's destination mentioning these people. */
  pageGroup(to: Destination, escalation: Escalation, mention: Mentions): Promise<PageResult>;
  /** Says in the group that a private page was refused. */
  refused(to: Destination, userId: number, error: string): Promise<PageResult>;
}

export interface Mentions {
  /** None without a rota. */
  onCall?: number;
  operators: readonly number[];
}
