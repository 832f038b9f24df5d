import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import type { Clock } from "../clock.js";
import type { Pool } from "../db/pool.js";
import type { Logger } from "../log/create-logger.js";
import type { Redactor } from "../log/redact.js";
import { removeLogDirs } from "./log-dir.js";
import { killLeftovers } from "./process-group.js";
import {
  claim,
  closePending,
  createPending,
  expireLapsed,
  findAction,
  findLapsed,
  finish,
  isActionInProgress,
  markInterrupted,
  recentActions,
  rollbackTargets,
  audit,
  runningAction,
  setMessage,
  type Action,
  type ActionKind,
  type Actor,
} from "./actions-store.js";
import { validateRef } from "./ref.js";
import { previousGoodRef } from "./verify.js";
import type { ActionReporter } from "./reporter.js";
import { runAction, type RunningEntry } from "./run-action.js";
import { GRACE_MS } from "./runner.js";

export interface ExecutorConfig {
  deployScript?: string;
  rollbackScript?: string;
  approval: "self" | "other";
  confirmTtlMs: number;
  actionTimeoutMs: number;
  progressEditMs: number;
  verifyMs: number;
  /** PATH and HOME for scripts, from the bot's environment (main.ts reads it). */
  scriptEnv: { PATH: string; HOME: string };
}

export interface ExecutorDeps {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  reporter: ActionReporter;
  /** Applied to a script's output before it is stored, shown or attached. */
  redact: Redactor;
  config: ExecutorConfig;
  /** The API's health, for verification after a deploy. */
  apiHealthy: () => Promise<{ healthy: boolean; detail?: string }>;
  sleep: (ms: number) => Promise<void>;
  onOutcome?: (kind: ActionKind, outcome: string) => void;
  /** Lease of a running action; renewed at a third of it. */
  leaseMs?: number;
}

export type RequestResult =
  | { ok: true; action: Action }
  | { ok: false; reason: "bad_ref"; detail: string }
  | { ok: false; reason: "not_configured"; detail: string }
  | { ok: false; reason: "busy"; busy: Action };

export type ConfirmResult =
  | { ok: true; action: Action }
  | {
      ok: false;
      reason: "unknown" | "wrong_message" | "same_operator" | "expired" | "not_pending";
      action?: Action;
    }
  | { ok: false; reason: "busy"; busy: Action };

const DEFAULT_LEASE_MS = 60_000;
// On shutdown, how long a stopped action's result may wait for the database.
const RECORD_GRACE_MS = 3_000;

export function createExecutor(deps: ExecutorDeps) {
  const { pool, clock, logger, config, reporter, sleep } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const running = new Map<string, RunningEntry>();
  let stopped = false;

  const scriptFor = (kind: ActionKind) =>
    kind === "deploy" ? config.deployScript : config.rollbackScript;
  const variable = (kind: ActionKind) => (kind === "deploy" ? "DEPLOY_SCRIPT" : "ROLLBACK_SCRIPT");

  async function configured(kind: ActionKind): Promise<string | undefined> {
    const script = scriptFor(kind);
    if (script === undefined) return `${kind} is not configured (${variable(kind)} is not set)`;
    try {
      await access(script, constants.X_OK);
      if (!(await stat(script)).isFile()) throw new Error("not a file");
      return undefined;
    } catch {
      return `${kind} is not configured (${variable(kind)} is not an executable file)`;
    }
  }

  async function request(input: {
    kind: ActionKind;
    ref: string;
    requester: Actor;
    chatId: number;
    threadId?: number;
  }): Promise<RequestResult> {
    const ref = validateRef(input.ref);
    if (!ref.ok) return { ok: false, reason: "bad_ref", detail: ref.reason };
    const problem = await configured(input.kind);
    if (problem) return { ok: false, reason: "not_configured", detail: problem };
    const busy = await runningAction(pool);
    if (busy) return { ok: false, reason: "busy", busy };
    const action = await createPending(
      pool,
      { ...input, ref: ref.ref, ttlMs: config.confirmTtlMs },
      clock.now(),
    );
    return { ok: true, action };
  }

  /**
   * The press on Confirm: checked against its message, expiry and the two-person rule,
   * then claimed. The caller starts it (after saying so, so no report overtakes that).
   */
  async function confirm(
    id: string,
    confirmer: Actor,
    at: { chatId: number; messageId: number },
  ): Promise<ConfirmResult> {
    const action = await findAction(pool, id);
    if (!action) return { ok: false, reason: "unknown" };
    if (action.chatId !== at.chatId || action.messageId !== at.messageId) {
      return { ok: false, reason: "wrong_message", action };
    }
    if (action.state !== "pending") return { ok: false, reason: "not_pending", action };
    const now = clock.now();
    if (action.expiresAt <= now) {
      const expired = await closePending(pool, id, "expired", undefined, now);
      return { ok: false, reason: "expired", action: expired ?? action };
    }
    if (config.approval === "other" && confirmer.id === action.requestedBy.id) {
      await audit(
        pool,
        id,
        { event: "confirm_refused", actor: confirmer, detail: { rule: "APPROVAL=other" } },
        now,
      );
      return { ok: false, reason: "same_operator", action };
    }
    const claimed = await claim(pool, id, confirmer, now, leaseMs);
    if (claimed.claimed) return { ok: true, action: claimed.action };
    if (claimed.busy) return { ok: false, reason: "busy", busy: claimed.busy };
    const latest = await findAction(pool, id);
    return {
      ok: false,
      reason: latest?.state === "pending" ? "expired" : "not_pending",
      ...(latest ? { action: latest } : {}),
    };
  }

  /** Cancel: undefined when it is not this message's pending action (or it expired). */
  async function cancel(id: string, actor: Actor, at: { chatId: number; messageId: number }) {
    const action = await findAction(pool, id);
    if (!action || action.chatId !== at.chatId || action.messageId !== at.messageId)
      return undefined;
    const now = clock.now();
    if (action.expiresAt <= now) {
      await closePending(pool, id, "expired", undefined, now);
      return undefined;
    }
    return closePending(pool, id, "cancelled", actor, now);
  }

  /** Runs a claimed action detached from the update; reports by editing its message. */
  function start(action: Action): void {
    if (stopped) {
      // A Confirm that raced the shutdown: never spawn what nobody will watch.
      void finish(
        pool,
        action.id,
        { outcome: "interrupted", exitCode: null, tail: "" },
        clock.now(),
      )
        .then((done) => done && reporter.interrupted(done))
        .catch((error: unknown) => logger.warn({ err: error }, "could not close the action"));
      return;
    }
    const entry: RunningEntry = {
      stopping: false,
      shutdown: new AbortController(),
      abandon: new AbortController(),
    };
    running.set(action.id, entry);
    entry.finished = runAction(action, entry, {
      ...deps,
      leaseMs,
      script: scriptFor(action.kind)!,
      done: () => running.delete(action.id),
    }).catch((error: unknown) => {
      logger.error({ err: error, action_id: action.id }, "action runner failed");
    });
  }

  /** Actions whose process is gone (lease lapsed): interrupted and reported, never re-run. */
  async function reap(): Promise<Action[]> {
    // This process's own actions are alive whatever their lease says (it lapses while the
    // database is away); only another process's silence means interrupted.
    const reaped: Action[] = [];
    for (const lapsed of await findLapsed(pool, [...running.keys()])) {
      const interrupted = await interruptLapsed(lapsed);
      if (interrupted) reaped.push(interrupted);
    }
    // Unanswered requests lose their buttons.
    for (const action of await expireLapsed(pool, clock.now())) {
      await reporter
        .expired(action)
        .catch((error: unknown) => logger.warn({ err: error }, "could not report"));
    }
    return reaped;
  }

  /**
   * A lapsed action's script may have outlived the process that ran it (killed with
   * SIGKILL, its group re-parented to init): what is left of it here is killed before the
   * slot is freed, and while it cannot be killed the slot stays taken.
   */
  async function interruptLapsed(lapsed: Action): Promise<Action | undefined> {
    const log = { action_id: lapsed.id, pgid: lapsed.script?.pgid };
    if (lapsed.script) {
      const marks = { kind: lapsed.kind, ref: lapsed.ref };
      const left = await killLeftovers(lapsed.script, marks, { graceMs: GRACE_MS, sleep });
      if (left === "survived") {
        logger.error(log, "the interrupted action's script survived SIGKILL: its slot stays taken");
        return undefined;
      }
      if (left === "killed") logger.warn(log, "killed the script of an interrupted action");
    }
    const interrupted = await markInterrupted(pool, lapsed.id, clock.now());
    await removeLogDirs(lapsed.id).catch((error: unknown) =>
      logger.warn({ ...log, err: error }, "could not remove the action's log"),
    );
    if (!interrupted) return undefined;
    deps.onOutcome?.(interrupted.kind, "interrupted");
    await reporter
      .interrupted(interrupted)
      .catch((error: unknown) => logger.warn({ err: error }, "could not report"));
    return interrupted;
  }

  /** Shutdown: let running actions finish within the deadline, else stop and mark them. */
  async function stop(deadlineMs: number): Promise<void> {
    stopped = true;
    /** Whether `work` settles within `ms` (no work: at once). */
    const within = async (work: Promise<void> | undefined, ms: number) =>
      work === undefined ||
      (await Promise.race([work.then(() => true), sleep(ms).then(() => false)]));
    await Promise.all(
      [...running].map(async ([id, entry]) => {
        entry.shutdown.abort();
        if (await within(entry.finished, deadlineMs)) return;
        logger.warn({ action_id: id }, "shutting down: stopping the running action");
        entry.stopping = true;
        await entry.script?.stop("shutdown");
        // Its result may still be waiting for the database: a little longer, then let go.
        if (await within(entry.finished, RECORD_GRACE_MS)) return;
        entry.abandon.abort();
        await entry.finished;
      }),
    );
  }

  return {
    request,
    confirm,
    start,
    cancel,
    reap,
    stop,
    /** Any replica's deploy or rollback running, or a deploy still being verified. */
    inProgress: () => isActionInProgress(pool, deps.clock.now(), config.verifyMs),
    setMessage: (id: string, messageId: number) => setMessage(pool, id, messageId),
    /** The latest deploys and rollbacks past the pending stage, newest first. */
    history: (limit: number) => recentActions(pool, limit),
    /** Earlier successful deploys a rollback may go back to, newest first. */
    rollbackTargets: (limit: number) => rollbackTargets(pool, limit),
    /** The ref that ran before a deploy, for its Rollback button. */
    previousGoodRef: (deployId: string) => previousGoodRef(pool, deployId),
  };
}

export type Executor = ReturnType<typeof createExecutor>;
