import type { Pool } from "../db/pool.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../log/create-logger.js";
import { loadAlerts, loadSilences } from "./alert-store.js";
import type { AlertChannel } from "./channel.js";
import {
  cancel,
  currentChatId,
  markSent,
  pendingNotifications,
  recordMigration,
  reschedule,
  type OutboxRow,
} from "./outbox-store.js";
import { silenceFor } from "./silences.js";
import type { NotifiedAlert } from "./types.js";

export interface DeliverDeps {
  pool: Pool;
  channel: AlertChannel;
  clock: Clock;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  /** Telegram allows about 20 messages a minute in a group. */
  batchLimit?: number;
  /** A 429 shorter than this is waited out inline; longer ones wait for a later tick. */
  maxInlineWaitMs?: number;
}

export interface DeliveryReport {
  sent: { kind: OutboxRow["kind"] }[];
  failed: number;
  /** Whether alert rows changed (announced, or no longer waiting). */
  alertsChanged: boolean;
}

const MAX_BACKOFF_MS = 60 * 60_000;

/**
 * Sends what the outbox holds, oldest first. A row is marked sent only after Telegram
 * answered ok; any failure leaves it for later, so nothing is lost and nothing is sent
 * twice by us (a crash between send and mark is the one window for a repeat).
 */
export async function deliverPending(deps: DeliverDeps): Promise<DeliveryReport> {
  const { pool, clock, logger } = deps;
  const report: DeliveryReport = { sent: [], failed: 0, alertsChanged: false };
  const rows = await pendingNotifications(pool, clock.now(), deps.batchLimit ?? 10);
  for (const row of rows) {
    const alerts = await stillRelevant(pool, row, clock.now());
    if (alerts.length === 0) {
      // Everything in it cleared (or was silenced) before it could be sent: say nothing.
      await cancel(pool, row, clock.now());
      report.alertsChanged = true;
      continue;
    }
    let waited = false;
    let migrated = 0;
    for (;;) {
      const chatId = row.chatId === null ? undefined : await currentChatId(pool, row.chatId);
      const result = await deps.channel.send({
        outboxId: row.id,
        kind: row.kind,
        alerts,
        chatId,
        ...(row.threadId !== null ? { threadId: row.threadId } : {}),
      });
      if (result.ok) {
        const announced = alerts.map((a) => a.fingerprint);
        await markSent(pool, row, announced, result.messageId, clock.now());
        report.sent.push({ kind: row.kind });
        report.alertsChanged ||= row.kind !== "resolved";
        break;
      }
      report.failed++;
      if (result.migrateToChatId !== undefined && chatId !== undefined && migrated++ < 2) {
        await recordMigration(pool, chatId, result.migrateToChatId);
        logger.warn(
          { from: chatId, to: result.migrateToChatId },
          "alert chat became a supergroup; following it (set ALERT_CHAT_ID to the new id)",
        );
        continue;
      }
      const retryAfterMs = (result.retryAfterSeconds ?? 0) * 1000;
      if (
        result.retryAfterSeconds !== undefined &&
        !waited &&
        retryAfterMs <= (deps.maxInlineWaitMs ?? 10_000)
      ) {
        waited = true;
        await deps.sleep(retryAfterMs);
        continue;
      }
      // 429: as told. 5xx and network: 1 s, 2 s, 4 s… (at most a minute). Anything else
      // (bot removed, chat not found) needs a person: back off to an hour.
      const delay =
        result.retryAfterSeconds !== undefined
          ? retryAfterMs
          : result.transient
            ? Math.min(60_000, 1_000 * 2 ** row.attempts)
            : Math.min(MAX_BACKOFF_MS, 60_000 * 2 ** row.attempts);
      await reschedule(pool, row, new Date(clock.now().getTime() + delay), result.error);
      logger.warn(
        { outbox_id: row.id, error: result.error, retryInMs: delay },
        "alert delivery failed; will retry",
      );
      // The chat is rate-limited or unreachable: later rows would fail the same way.
      return report;
    }
  }
  return report;
}

/** Firing and repeat rows announce only what still fires in that episode, unsilenced. */
async function stillRelevant(pool: Pool, row: OutboxRow, now: Date): Promise<NotifiedAlert[]> {
  if (row.kind === "resolved") return row.alerts;
  const [current, silences] = await Promise.all([
    loadAlerts(
      pool,
      row.alerts.map((a) => a.fingerprint),
    ),
    loadSilences(pool, now),
  ]);
  const live = new Map(current.map((a) => [a.fingerprint, a]));
  return row.alerts.flatMap((a) => {
    const state = live.get(a.fingerprint);
    if (!state || state.resolvedAt !== null || state.firingSince > row.createdAt) return [];
    if (silenceFor(a.fingerprint, silences, now)) return [];
    return [{ ...a, summary: state.summary }];
  });
}
