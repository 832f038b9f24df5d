import type { Pool, PoolClient } from "pg";
import { snapshotOf } from "./alert-store.js";
import type { Destination } from "./routes.js";
import type { AlertState, NotificationKind, NotifiedAlert } from "./types.js";

type Db = Pool | PoolClient;

export interface OutboxRow {
  id: number;
  kind: NotificationKind;
  alerts: NotifiedAlert[];
  chatId: number | null;
  threadId: number | null;
  createdAt: Date;
  attempts: number;
  messageId: number | null;
}

export async function enqueue(
  db: Db,
  kind: NotificationKind,
  alerts: readonly AlertState[],
  to: Destination,
  now: Date,
): Promise<void> {
  if (alerts.length === 0) return;
  await db.query(
    `INSERT INTO opsbot.outbox (kind, alerts, chat_id, thread_id, created_at, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $5)`,
    [kind, JSON.stringify(alerts.map(snapshotOf)), to.chatId ?? null, to.threadId ?? null, now],
  );
}

interface Row {
  id: number;
  kind: NotificationKind;
  alerts: NotifiedAlert[];
  chat_id: number | null;
  thread_id: number | null;
  created_at: Date;
  attempts: number;
  message_id: number | null;
}

const toRow = (r: Row): OutboxRow => ({
  id: r.id,
  kind: r.kind,
  alerts: r.alerts,
  chatId: r.chat_id,
  threadId: r.thread_id,
  createdAt: r.created_at,
  attempts: r.attempts,
  messageId: r.message_id,
});

/**
 * What is due, oldest first, at most `limit` per chat (Telegram limits a chat, whichever
 * of its topics a message goes to). A destination backing off (any of its rows waits for
 * a retry) is not due at all: its newer rows keep their order behind the one that failed,
 * and other destinations are not held up by it.
 */
export async function pendingNotifications(db: Db, now: Date, limit: number): Promise<OutboxRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, kind, alerts, chat_id, thread_id, created_at, attempts, message_id FROM (
       SELECT *, row_number() OVER (PARTITION BY chat_id ORDER BY id) AS n FROM (
         SELECT *, max(next_attempt_at) OVER (PARTITION BY chat_id, thread_id) AS blocked_until
           FROM opsbot.outbox WHERE sent_at IS NULL AND cancelled_at IS NULL) pending
        WHERE blocked_until <= $1) due
      WHERE n <= $2
      ORDER BY id`,
    [now, limit],
  );
  return rows.map(toRow);
}

export async function findNotification(db: Db, id: number): Promise<OutboxRow | undefined> {
  const { rows } = await db.query<Row>(
    "SELECT id, kind, alerts, chat_id, thread_id, created_at, attempts, message_id FROM opsbot.outbox WHERE id = $1",
    [id],
  );
  return rows[0] && toRow(rows[0]);
}

export async function countUndelivered(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM opsbot.outbox WHERE sent_at IS NULL AND cancelled_at IS NULL",
  );
  return rows[0]?.n ?? 0;
}

export interface UndeliveredFacts {
  undelivered: number;
  /** Seconds the oldest waiting message has waited; null when none waits. */
  oldestSeconds: number | null;
  /** Waiting messages that Telegram already failed (or refused) at least once. */
  failed: number;
}

/** What waits in the outbox, in one read: the paging path as delivery sees it. */
export async function undeliveredFacts(db: Db, now: Date): Promise<UndeliveredFacts> {
  const { rows } = await db.query<{ undelivered: number; failed: number; oldest: number | null }>(
    `SELECT count(*)::int AS undelivered, count(*) FILTER (WHERE attempts > 0)::int AS failed,
            extract(epoch FROM $1::timestamptz - min(created_at))::float8 AS oldest
       FROM opsbot.outbox WHERE sent_at IS NULL AND cancelled_at IS NULL`,
    [now],
  );
  const row = rows[0];
  return {
    undelivered: row?.undelivered ?? 0,
    failed: row?.failed ?? 0,
    oldestSeconds: row?.oldest == null ? null : Math.max(0, Math.round(row.oldest)),
  };
}

/**
 * Sent: the alerts it announced count as notified; every alert it carried stops waiting,
 * including those left out because they resolved or were silenced meanwhile.
 */
export async function markSent(
  db: Db,
  row: OutboxRow,
  announced: readonly string[],
  messageId: number | undefined,
  now: Date,
): Promise<void> {
  await db.query(
    "UPDATE opsbot.outbox SET sent_at = $2, message_id = $3, attempts = attempts + 1 WHERE id = $1",
    [row.id, now, messageId ?? null],
  );
  if (!announcesFiring(row.kind)) return;
  await db.query(
    `UPDATE opsbot.alerts SET queued_at = NULL,
       notified_at = CASE WHEN fingerprint = ANY($2) THEN $3 ELSE notified_at END
     WHERE fingerprint = ANY($1)`,
    [row.alerts.map((a) => a.fingerprint), announced, now],
  );
}

/** Messages that tell alerts as firing: once sent, those alerts count as notified. */
export const announcesFiring = (kind: NotificationKind): boolean =>
  kind === "firing" || kind === "repeat" || kind === "settled";

export async function cancel(db: Db, row: OutboxRow, now: Date): Promise<void> {
  await db.query("UPDATE opsbot.outbox SET cancelled_at = $2 WHERE id = $1", [row.id, now]);
  await db.query("UPDATE opsbot.alerts SET queued_at = NULL WHERE fingerprint = ANY($1)", [
    row.alerts.map((a) => a.fingerprint),
  ]);
}

export async function reschedule(
  db: Db,
  row: OutboxRow,
  nextAttemptAt: Date,
  error: string,
): Promise<void> {
  await db.query(
    "UPDATE opsbot.outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 WHERE id = $1",
    [row.id, nextAttemptAt, error],
  );
}

/** Follows recorded group → supergroup migrations (possibly more than one). */
export async function currentChatId(db: Db, chatId: number): Promise<number> {
  let current = chatId;
  for (let hops = 0; hops < 5; hops++) {
    const { rows } = await db.query<{ to_chat_id: number }>(
      "SELECT to_chat_id FROM opsbot.chat_migrations WHERE from_chat_id = $1",
      [current],
    );
    if (!rows[0]) break;
    current = rows[0].to_chat_id;
  }
  return current;
}

/** The chats that migrated into this one, nearest first. */
export async function originChatIds(db: Db, chatId: number): Promise<number[]> {
  const origins: number[] = [];
  let current = chatId;
  for (let hops = 0; hops < 5; hops++) {
    const { rows } = await db.query<{ from_chat_id: number }>(
      "SELECT from_chat_id FROM opsbot.chat_migrations WHERE to_chat_id = $1 LIMIT 1",
      [current],
    );
    if (!rows[0]) break;
    current = rows[0].from_chat_id;
    origins.push(current);
  }
  return origins;
}

export async function recordMigration(db: Db, from: number, to: number): Promise<void> {
  await db.query(
    `INSERT INTO opsbot.chat_migrations (from_chat_id, to_chat_id) VALUES ($1, $2)
     ON CONFLICT (from_chat_id) DO UPDATE SET to_chat_id = EXCLUDED.to_chat_id`,
    [from, to],
  );
}
