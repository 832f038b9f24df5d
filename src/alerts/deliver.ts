import type { Pool } from "../db/pool.js";
import type { Clock } from "../clock.js";
import { withTransaction } from "../db/transaction.js";
import { recordPage } from "../incidents/record.js";
import type { Logger } from "../log/create-logger.js";
import { loadSilences, loadStillFiring } from "./alert-store.js";
import type { NotifierFor } from "./notifier.js";
import {
  announcesFiring,
  cancel,
  currentChatId,
  markSent,
  pendingNotifications,
  recordMigration,
  reschedule,
  type OutboxRow,
} from "./outbox-store.js";
import { destinationKey } from "./routes.js";
import { silenceFor } from "./silences.js";
import type { NotifiedAlert } from "./types.js";

export interface DeliverDeps {
  pool: Pool;
  notifierFor: NotifierFor;
  clock: Clock;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  /** Per destination and tick: Telegram allows about 20 messages a minute in a group. */
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
 * The notify stage. Sends what the outbox holds, each destination on its own and at the
 * same time: a chat that blocked the bot, was deleted or is rate-limited backs off alone
 * and never delays the others.
 */
export async function deliverPending(deps: DeliverDeps): Promise<DeliveryReport> {
  const rows = await pendingNotifications(deps.pool, deps.clock.now(), deps.batchLimit ?? 10);
  const perDestination = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const key = destinationKey(destinationOfRow(row));
    const queue = perDestination.get(key);
    if (queue) queue.push(row);
    else perDestination.set(key, [row]);
  }
  const reports = await Promise.all(
    [...perDestination.values()].map((queue) => deliverToOne(deps, queue)),
  );
  return {
    sent: reports.flatMap((r) => r.sent),
    failed: reports.reduce((n, r) => n + r.failed, 0),
    alertsChanged: reports.some((r) => r.alertsChanged),
  };
}

const destinationOfRow = (row: OutboxRow) => ({
  chatId: row.chatId ?? undefined,
  ...(row.threadId !== null ? { threadId: row.threadId } : {}),
});

/**
 * One destination's rows, oldest first. A row is marked sent only after the notifier
 * answered ok; a failure leaves it (and so the destination) for later, so nothing is lost
 * and nothing is sent twice by us (a crash between send and mark is the one window).
 */
async function deliverToOne(deps: DeliverDeps, rows: OutboxRow[]): Promise<DeliveryReport> {
  const { pool, clock, logger } = deps;
  const report: DeliveryReport = { sent: [], failed: 0, alertsChanged: false };
  for (const row of rows) {
    const alerts = await stillRelevant(pool, row, clock.now());
    if (alerts.length === 0) {
      // Everything in it cleared, was silenced or acked before it could be sent: say nothing.
      await cancel(pool, row, clock.now());
      report.alertsChanged = true;
      continue;
    }
    let waited = false;
    let migrated = 0;
    for (;;) {
      const chatId = row.chatId === null ? undefined : await currentChatId(pool, row.chatId);
      const notifier = deps.notifierFor({ ...destinationOfRow(row), chatId });
      const result = await notifier.send({ outboxId: row.id, kind: row.kind, alerts });
      if (result.ok) {
        // A settled alert told as resolved is no announcement of its next episode.
        const firing = alerts.filter((a) => !a.resolvedAt);
        const announced = firing.map((a) => a.fingerprint);
        await withTransaction(pool, async (tx) => {
          const now = clock.now();
          await markSent(tx, row, announced, result.messageId, now);
          // An episode's first message is its page (a flapping one's, once it settled firing);
          // a repeat or resolution is none.
          if (row.kind === "firing" || row.kind === "settled") await recordPage(tx, firing, now);
        });
        report.sent.push({ kind: row.kind });
        report.alertsChanged ||= announcesFiring(row.kind);
        break;
      }
      report.failed++;
      if (result.migrateToChatId !== undefined && chatId !== undefined && migrated++ < 2) {
        await recordMigration(pool, chatId, result.migrateToChatId);
        logger.warn(
          { from: chatId, to: result.migrateToChatId },
          "alert chat became a supergroup; following it (update ALERT_CHAT_ID / ALERT_ROUTES to the new id)",
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
      // (bot blocked or removed, chat not found) needs a person: back off to an hour.
      const delay =
        result.retryAfterSeconds !== undefined
          ? retryAfterMs
          : result.transient
            ? Math.min(60_000, 1_000 * 2 ** row.attempts)
            : Math.min(MAX_BACKOFF_MS, 60_000 * 2 ** row.attempts);
      await reschedule(pool, row, new Date(clock.now().getTime() + delay), result.error);
      logger.warn(
        { outbox_id: row.id, chat_id: chatId, error: result.error, retryInMs: delay },
        "alert delivery failed; this destination will retry",
      );
      // This destination is rate-limited or unreachable: its later rows would fail the same way.
      return report;
    }
  }
  return report;
}

/**
 * Firing, repeat and settled rows announce only what still fires in that episode,
 * unsilenced (a settled alert that stayed resolved is told as it was); a repeat also
 * leaves out what someone acknowledged meanwhile. Resolved and flapping rows say what happened.
 */
async function stillRelevant(pool: Pool, row: OutboxRow, now: Date): Promise<NotifiedAlert[]> {
  if (row.kind === "resolved" || row.kind === "flapping") return row.alerts;
  const [live, silences] = await Promise.all([
    loadStillFiring(
      pool,
      row.alerts.filter((a) => a.resolvedAt === undefined).map((a) => a.fingerprint),
      row.createdAt,
      { acked: row.kind !== "repeat" },
    ),
    loadSilences(pool, now),
  ]);
  return row.alerts.flatMap((a) => {
    if (a.resolvedAt !== undefined) return [a];
    const words = live.get(a.fingerprint);
    if (words === undefined || silenceFor(a.fingerprint, silences, now)) return [];
    // What it says now; the facts go with the summary they were written beside.
    const { facts: _queued, ...queued } = a;
    return [words.summary === a.summary ? a : { ...queued, ...words }];
  });
}
