import { randomUUID } from "node:crypto";
import type { Pool } from "../db/pool.js";
import type { ScriptGroup } from "./process-group.js";
import type { ProtocolFacts } from "./protocol-lines.js";

export type ActionKind = "deploy" | "rollback";
export type ActionState =
  | "pending"
  | "running"
  | "succeeded"
  | "failed"
  | "timed_out"
  | "interrupted"
  | "cancelled"
  | "expired";
export type Outcome = "succeeded" | "failed" | "timed_out" | "interrupted";

export interface Actor {
  id: number;
  name: string;
}

export interface Action {
  id: string;
  kind: ActionKind;
  ref: string;
  state: ActionState;
  requestedBy: Actor;
  confirmedBy: Actor | null;
  chatId: number;
  threadId: number | null;
  messageId: number | null;
  createdAt: Date;
  expiresAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  exitCode: number | null;
  outputTail: string | null;
  /** The running script's process group, once recorded after the spawn. */
  script: ScriptGroup | null;
  /** Reported by the script (`opsbot: commit <sha>`): what it put in place. */
  commit: string | null;
  /** Reported by the script (`opsbot: previous <ref>`): what ran before it. */
  previous: string | null;
}

interface Row {
  id: string;
  kind: ActionKind;
  ref: string;
  state: ActionState;
  requested_by: number;
  requested_by_name: string;
  confirmed_by: number | null;
  confirmed_by_name: string | null;
  chat_id: number;
  thread_id: number | null;
  message_id: number | null;
  created_at: Date;
  expires_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  exit_code: number | null;
  output_tail: string | null;
  script_pgid: number | null;
  script_start_ticks: string | null;
  script_host: string | null;
  commit_sha: string | null;
  previous_ref: string | null;
}

const toAction = (r: Row): Action => ({
  id: r.id,
  kind: r.kind,
  ref: r.ref,
  state: r.state,
  requestedBy: { id: r.requested_by, name: r.requested_by_name },
  confirmedBy:
    r.confirmed_by === null ? null : { id: r.confirmed_by, name: r.confirmed_by_name ?? "" },
  chatId: r.chat_id,
  threadId: r.thread_id,
  messageId: r.message_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  exitCode: r.exit_code,
  outputTail: r.output_tail,
  script:
    r.script_pgid === null || r.script_host === null
      ? null
      : {
          pgid: r.script_pgid,
          startTicks: r.script_start_ticks === null ? null : BigInt(r.script_start_ticks),
          host: r.script_host,
        },
  commit: r.commit_sha,
  previous: r.previous_ref,
});

export interface AuditEntry {
  event: string;
  actor?: Actor;
  detail?: Record<string, unknown>;
}

/**
 * A state change and its audit row in one statement: the trail can never miss a step
 * that happened, nor record one that did not.
 */
async function changeAndAudit(
  pool: Pool,
  change: string,
  values: unknown[],
  audit: AuditEntry,
  at: Date,
): Promise<Action[]> {
  const n = values.length;
  const { rows } = await pool.query<Row>(
    `WITH changed AS (${change} RETURNING *),
          logged AS (
            INSERT INTO opsbot.audit (action_id, at, event, actor_id, actor_name, detail)
            SELECT id, $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5} FROM changed)
     SELECT * FROM changed`,
    [
      ...values,
      at,
      audit.event,
      audit.actor?.id ?? null,
      audit.actor?.name ?? null,
      audit.detail ?? null,
    ],
  );
  return rows.map(toAction);
}

export interface NewAction {
  kind: ActionKind;
  ref: string;
  requester: Actor;
  chatId: number;
  threadId?: number;
  ttlMs: number;
}

export async function createPending(pool: Pool, action: NewAction, now: Date): Promise<Action> {
  const [created] = await changeAndAudit(
    pool,
    `INSERT INTO opsbot.actions (id, kind, ref, state, requested_by, requested_by_name, chat_id,
       thread_id, created_at, expires_at)
     VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9)`,
    [
      randomUUID(),
      action.kind,
      action.ref,
      action.requester.id,
      action.requester.name,
      action.chatId,
      action.threadId ?? null,
      now,
      new Date(now.getTime() + action.ttlMs),
    ],
    { event: "requested", actor: action.requester, detail: { ref: action.ref } },
    now,
  );
  return created!;
}

export async function setMessage(pool: Pool, id: string, messageId: number): Promise<void> {
  await pool.query("UPDATE opsbot.actions SET message_id = $2 WHERE id = $1", [id, messageId]);
}

export async function findAction(pool: Pool, id: string): Promise<Action | undefined> {
  const { rows } = await pool.query<Row>("SELECT * FROM opsbot.actions WHERE id = $1", [id]);
  return rows[0] && toAction(rows[0]);
}

export async function runningAction(pool: Pool): Promise<Action | undefined> {
  const { rows } = await pool.query<Row>("SELECT * FROM opsbot.actions WHERE state = 'running'");
  return rows[0] && toAction(rows[0]);
}

export type Claim =
  | { claimed: true; action: Action }
  | { claimed: false; busy: Action }
  | { claimed: false; busy?: undefined };

/**
 * pending → running in one statement: a double tap, two operators or two replicas get
 * one winner. The partial unique index refuses a second running action outright.
 */
export async function claim(
  pool: Pool,
  id: string,
  confirmer: Actor,
  now: Date,
  leaseMs: number,
): Promise<Claim> {
  try {
    const [action] = await changeAndAudit(
      pool,
      `UPDATE opsbot.actions SET state = 'running', confirmed_by = $2, confirmed_by_name = $3,
         started_at = $4, lease_expires_at = now() + make_interval(secs => $5)
       WHERE id = $1 AND state = 'pending' AND expires_at > $4`,
      [id, confirmer.id, confirmer.name, now, leaseMs / 1000],
      { event: "confirmed", actor: confirmer },
      now,
    );
    return action ? { claimed: true, action } : { claimed: false };
  } catch (error) {
    if ((error as { code?: string }).code !== "23505") throw error;
    const busy = await runningAction(pool);
    return busy ? { claimed: false, busy } : { claimed: false };
  }
}

/** pending → cancelled or expired; undefined when it was no longer pending. */
export async function closePending(
  pool: Pool,
  id: string,
  to: "cancelled" | "expired",
  actor: Actor | undefined,
  now: Date,
): Promise<Action | undefined> {
  const [action] = await changeAndAudit(
    pool,
    `UPDATE opsbot.actions SET state = $2, finished_at = $3
      WHERE id = $1 AND state = 'pending' ${to === "expired" ? "AND expires_at <= $3" : ""}`,
    [id, to, now],
    { event: to, ...(actor ? { actor } : {}) },
    now,
  );
  return action;
}

export async function renewLease(pool: Pool, id: string, leaseMs: number): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE opsbot.actions SET lease_expires_at = now() + make_interval(secs => $2)
      WHERE id = $1 AND state = 'running'`,
    [id, leaseMs / 1000],
  );
  return rowCount === 1;
}

export async function audit(pool: Pool, id: string, entry: AuditEntry, now: Date): Promise<void> {
  await pool.query(
    `INSERT INTO opsbot.audit (action_id, at, event, actor_id, actor_name, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      id,
      now,
      entry.event,
      entry.actor?.id ?? null,
      entry.actor?.name ?? null,
      entry.detail ?? null,
    ],
  );
}

/**
 * The spawned script's process group, recorded with the "started" audit row. undefined when
 * the action is no longer running (another process reaped it meanwhile).
 */
export async function recordStart(
  pool: Pool,
  id: string,
  script: { pid: number; group: ScriptGroup | null },
  now: Date,
): Promise<Action | undefined> {
  const [action] = await changeAndAudit(
    pool,
    `UPDATE opsbot.actions SET script_pgid = $2, script_start_ticks = $3, script_host = $4
      WHERE id = $1 AND state = 'running'`,
    [
      id,
      script.group?.pgid ?? null,
      script.group?.startTicks?.toString() ?? null,
      script.group?.host ?? null,
    ],
    { event: "started", detail: { pid: script.pid } },
    now,
  );
  return action;
}

export async function finish(
  pool: Pool,
  id: string,
  result: {
    outcome: Outcome;
    exitCode: number | null;
    tail: string;
    durationMs?: number;
    /** The script's protocol lines (`opsbot: commit` / `opsbot: previous`), if it printed them. */
    reported?: ProtocolFacts;
  },
  now: Date,
): Promise<Action | undefined> {
  const [action] = await changeAndAudit(
    pool,
    `UPDATE opsbot.actions SET state = $2, exit_code = $3, output_tail = $4, finished_at = $5,
       lease_expires_at = NULL, commit_sha = $6, previous_ref = $7
     WHERE id = $1 AND state = 'running'`,
    [
      id,
      result.outcome,
      result.exitCode,
      result.tail,
      now,
      result.reported?.commit ?? null,
      result.reported?.previous ?? null,
    ],
    {
      event: "finished",
      detail: {
        outcome: result.outcome,
        exitCode: result.exitCode,
        durationMs: result.durationMs,
        tail: result.tail,
        ...result.reported,
      },
    },
    now,
  );
  return action;
}

/**
 * Whether a deploy or rollback is running, or a deploy's health verification has not ended
 * (no "verified" row yet, within its window): the API may be down on purpose meanwhile.
 */
export async function isActionInProgress(
  pool: Pool,
  now: Date,
  verifyMs: number,
): Promise<boolean> {
  const { rows } = await pool.query<{ busy: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM opsbot.actions a
        WHERE a.state = 'running'
           OR (a.kind = 'deploy' AND a.state = 'succeeded'
               AND a.finished_at > $1::timestamptz - make_interval(secs => $2)
               AND NOT EXISTS (SELECT 1 FROM opsbot.audit
                                WHERE action_id = a.id AND event = 'verified'))
     ) AS busy`,
    [now, verifyMs / 1000],
  );
  return rows[0]?.busy ?? false;
}

/**
 * Running actions whose process stopped renewing, except this process's own. Leases are
 * set and judged in database time, so a replica whose clock runs ahead finds nothing alive.
 */
export async function findLapsed(pool: Pool, alive: readonly string[] = []): Promise<Action[]> {
  const { rows } = await pool.query<Row>(
    `SELECT * FROM opsbot.actions
      WHERE state = 'running' AND lease_expires_at < now() AND NOT (id = ANY($1::uuid[]))`,
    [alive],
  );
  return rows.map(toAction);
}

/** A lapsed action, once its script is known to be gone: interrupted, never re-run. */
export async function markInterrupted(
  pool: Pool,
  id: string,
  now: Date,
): Promise<Action | undefined> {
  const [action] = await changeAndAudit(
    pool,
    `UPDATE opsbot.actions SET state = 'interrupted', finished_at = $2, lease_expires_at = NULL
      WHERE id = $1 AND state = 'running' AND lease_expires_at < now()`,
    [id, now],
    { event: "interrupted", detail: { reason: "lease lapsed: the process running it stopped" } },
    now,
  );
  return action;
}

/** Requests nobody confirmed in time. */
export async function expireLapsed(pool: Pool, now: Date): Promise<Action[]> {
  return changeAndAudit(
    pool,
    `UPDATE opsbot.actions SET state = 'expired', finished_at = $1
      WHERE state = 'pending' AND expires_at <= $1`,
    [now],
    { event: "expired" },
    now,
  );
}

export async function recentActions(pool: Pool, limit: number): Promise<Action[]> {
  const { rows } = await pool.query<Row>(
    "SELECT * FROM opsbot.actions WHERE state NOT IN ('pending') ORDER BY created_at DESC LIMIT $1",
    [limit],
  );
  return rows.map(toAction);
}

/** Something to roll back to; `ref` is what the rollback script gets. */
export type RollbackTarget =
  /** A successful action: its commit where its script reported one, else its ref. */
  | { ref: string; deployed: string }
  /** What ran before a successful action (its script's `opsbot: previous`). */
  | { ref: string; before: string };

/**
 * What is worth rolling back to: successful deploys and rollbacks (their commit where the
 * script reported one) and what ran before each of them, newest first, without the one in
 * place now and without repeats. The very first deploy's `previous` is a target too.
 */
export async function rollbackTargets(pool: Pool, limit: number): Promise<RollbackTarget[]> {
  const { rows } = await pool.query<Pick<Row, "ref" | "commit_sha" | "previous_ref">>(
    `SELECT ref, commit_sha, previous_ref FROM opsbot.actions WHERE state = 'succeeded'
      ORDER BY finished_at DESC LIMIT 200`,
  );
  const candidates = rows.flatMap((r): RollbackTarget[] => [
    { ref: r.commit_sha ?? r.ref, deployed: r.ref },
    ...(r.previous_ref === null ? [] : [{ ref: r.previous_ref, before: r.ref }]),
  ]);
  const current = candidates[0]?.ref;
  const seen = new Set<string>([current ?? ""]);
  return candidates
    .filter((target) => !seen.has(target.ref) && seen.add(target.ref))
    .slice(0, limit);
}
