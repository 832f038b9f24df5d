/** opsbot.oncall_overrides, oncall_handovers and escalation_steps (migration 0013). */
import type { PoolClient } from "pg";
import type { Pool } from "../db/pool.js";
import type { EscalationStep, EscalationTarget } from "./specs.js";

export interface Override {
  userId: number;
  userName: string;
  until: Date;
}

export async function saveOverride(
  pool: Pool,
  who: { id: number; name: string },
  window: { startsAt: Date; until: Date },
): Promise<void> {
  await pool.query(
    "INSERT INTO opsbot.oncall_overrides (user_id, user_name, starts_at, until) VALUES ($1, $2, $3, $4)",
    [who.id, who.name, window.startsAt, window.until],
  );
}

/** The override in force at `at`: the latest taken. */
export async function overrideAt(pool: Pool, at: Date): Promise<Override | undefined> {
  const { rows } = await pool.query<{ user_id: number; user_name: string; until: Date }>(
    `SELECT user_id, user_name, until FROM opsbot.oncall_overrides
      WHERE starts_at <= $1 AND until > $1 ORDER BY id DESC LIMIT 1`,
    [at],
  );
  const row = rows[0];
  return row && { userId: row.user_id, userName: row.user_name, until: row.until };
}

/** Claims the announcement of the shift starting at `shiftStart`: true for one caller only. */
export async function claimHandover(
  pool: Pool,
  shiftStart: Date,
  userId: number,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `INSERT INTO opsbot.oncall_handovers (shift_start, user_id, announced_at) VALUES ($1, $2, $3)
     ON CONFLICT (shift_start) DO NOTHING`,
    [shiftStart, userId, now],
  );
  return rowCount === 1;
}

/** A claim given back (the message could not be sent): the next pass tries again. */
export async function releaseHandover(pool: Pool, shiftStart: Date): Promise<void> {
  await pool.query("DELETE FROM opsbot.oncall_handovers WHERE shift_start = $1", [shiftStart]);
}

export async function countOpenAlerts(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM opsbot.alerts WHERE resolved_at IS NULL",
  );
  return rows[0]?.n ?? 0;
}

/**
 * A page delivered since `since` that has no escalation chain yet: a firing message, or the
 * settled one of an alert that flapped (its firing messages were held).
 */
export interface PageWithoutChain {
  outboxId: number;
  alerts: { kind: string; severity?: "critical" | "warning" }[];
  sentAt: Date;
}

export async function pagesWithoutChain(pool: Pool, since: Date): Promise<PageWithoutChain[]> {
  const { rows } = await pool.query<{
    id: number;
    alerts: PageWithoutChain["alerts"];
    sent_at: Date;
  }>(
    `SELECT o.id, o.alerts, o.sent_at FROM opsbot.outbox o
      WHERE o.kind IN ('firing', 'settled') AND o.sent_at > $1
        AND NOT EXISTS (SELECT 1 FROM opsbot.escalation_steps e WHERE e.outbox_id = o.id)
      ORDER BY o.id`,
    [since],
  );
  return rows.map((r) => ({ outboxId: r.id, alerts: r.alerts, sentAt: r.sent_at }));
}

/** The chain of a page: each step due its delay after the page; a second writer adds nothing. */
export async function startChain(
  pool: Pool,
  page: { outboxId: number; sentAt: Date },
  steps: readonly EscalationStep[],
): Promise<void> {
  await pool.query(
    `INSERT INTO opsbot.escalation_steps (outbox_id, step, target, due_at)
     SELECT $1, s.step, s.target, $2::timestamptz + make_interval(secs => s.delay_ms / 1000.0)
       FROM unnest($3::int[], $4::text[], $5::float8[]) AS s(step, target, delay_ms)
     ON CONFLICT (outbox_id, step) DO NOTHING`,
    [
      page.outboxId,
      page.sentAt,
      steps.map((_, i) => i + 1),
      steps.map((s) => s.target),
      steps.map((s) => s.delayMs),
    ],
  );
}

export interface DueStep {
  id: number;
  outboxId: number;
  step: number;
  target: EscalationTarget;
  dueAt: Date;
  /** When the page that started the chain was delivered. */
  firstPageAt: Date;
  /** Sends that failed for now before this one. */
  attempts: number;
}

/**
 * Due steps, claimed for `leaseMs` by this caller alone (another replica skips the rows
 * locked or claimed); oldest first.
 */
export async function claimDueSteps(
  pool: Pool,
  now: Date,
  leaseMs: number,
  limit = 20,
): Promise<DueStep[]> {
  const { rows } = await pool.query<{
    id: number;
    outbox_id: number;
    step: number;
    target: EscalationTarget;
    due_at: Date;
    first_page_at: Date;
    attempts: number;
  }>(
    `UPDATE opsbot.escalation_steps SET claimed_until = $2
      WHERE id IN (
        SELECT id FROM opsbot.escalation_steps
         WHERE sent_at IS NULL AND cancelled_at IS NULL AND due_at <= $1
           AND (claimed_until IS NULL OR claimed_until <= $1)
         ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING id, outbox_id, step, target, due_at, attempts,
        (SELECT sent_at FROM opsbot.outbox o WHERE o.id = escalation_steps.outbox_id) AS first_page_at`,
    [now, new Date(now.getTime() + leaseMs), limit],
  );
  return rows
    .map((r) => ({
      id: r.id,
      outboxId: r.outbox_id,
      step: r.step,
      target: r.target,
      dueAt: r.due_at,
      firstPageAt: r.first_page_at,
      attempts: r.attempts,
    }))
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
}

export async function markStepSent(
  pool: Pool | PoolClient,
  id: number,
  sent: { recipient?: number; chatId?: number; messageId?: number; error?: string },
  now: Date,
): Promise<void> {
  await pool.query(
    `UPDATE opsbot.escalation_steps
        SET sent_at = $2, recipient = $3, chat_id = $4, message_id = $5, error = $6
      WHERE id = $1`,
    [
      id,
      now,
      sent.recipient ?? null,
      sent.chatId ?? null,
      sent.messageId ?? null,
      sent.error ?? null,
    ],
  );
}

/** A send that failed for now (network, 5xx, 429): no replica tries again before `retryAt`. */
export async function deferStep(
  pool: Pool,
  id: number,
  retryAt: Date,
  error: string,
): Promise<void> {
  await pool.query(
    `UPDATE opsbot.escalation_steps
        SET claimed_until = $2, attempts = attempts + 1, last_error = $3
      WHERE id = $1`,
    [id, retryAt, error],
  );
}

/** The chain is over (acked, resolved or silenced): its steps not yet sent never will be. */
export async function cancelChain(pool: Pool, outboxId: number, now: Date): Promise<void> {
  await pool.query(
    `UPDATE opsbot.escalation_steps SET cancelled_at = $2
      WHERE outbox_id = $1 AND sent_at IS NULL AND cancelled_at IS NULL`,
    [outboxId, now],
  );
}

/** The private message a step sent, as its Ack button names it. */
export async function sentStep(
  pool: Pool,
  id: number,
): Promise<
  { outboxId: number; recipient: number | null; chatId: number; messageId: number } | undefined
> {
  const { rows } = await pool.query<{
    outbox_id: number;
    recipient: number | null;
    chat_id: number;
    message_id: number;
  }>(
    `SELECT outbox_id, recipient, chat_id, message_id FROM opsbot.escalation_steps
      WHERE id = $1 AND sent_at IS NOT NULL AND message_id IS NOT NULL`,
    [id],
  );
  const row = rows[0];
  return (
    row && {
      outboxId: row.outbox_id,
      recipient: row.recipient,
      chatId: row.chat_id,
      messageId: row.message_id,
    }
  );
}
