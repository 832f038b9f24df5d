import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import type { Clock } from "../clock.js";
import type { Pool } from "../db/pool.js";
import type { Logger } from "../log/create-logger.js";
import {
  claim,
  closePending,
  createPending,
  expireLapsed,
  findAction,
  finish,
  reapLapsed,
  audit,
  runningAction,
  setMessage,
  type Action,
  type ActionKind,
  type Actor,
} from "./actions-store.js";
import { validateRef } from "./ref.js";
import type { ActionReporter } from "./reporter.js";
import { runAction, type RunningEntry } from "./run-action.js";

export interface ExecutorConfig {
  deployScript?: string;
  rollbackScript?: string;
  approval: "self" | "other";
  confirmTtlMs: number;
  actionTimeoutMs: number;
  progressEditMs: number;
  verifyMs: number;
}

export interface ExecutorDeps {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  reporter: ActionReporter;
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

export function createExecutor(deps: ExecutorDeps) {
  const { pool, clock, logger, config, reporter } = deps;
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
    const entry: RunningEntry = { stopping: false, shutdown: new AbortController() };
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
    const lapsed = await reapLapsed(pool, clock.now(), [...running.keys()]);
    for (const action of lapsed) {
      deps.onOutcome?.(action.kind, "interrupted");
      await reporter
        .interrupted(action)
        .catch((error: unknown) => logger.warn({ err: error }, "could not report"));
    }
    // Unanswered requests lose their buttons.
    for (const action of await expireLapsed(pool, clock.now())) {
      await reporter
        .expired(action)
        .catch((error: unknown) => logger.warn({ err: error }, "could not report"));
    }
    return lapsed;
  }

  /** Shutdown: let running actions finish within the deadline, else stop and mark them. */
  async function stop(deadlineMs: number): Promise<void> {
    stopped = true;
    await Promise.all(
      [...running].map(async ([id, entry]) => {
        entry.shutdown.abort();
        const late = deps.sleep(deadlineMs).then(() => "late" as const);
        const done = entry.finished?.then(() => "done" as const);
        if ((await Promise.race([done, late])) === "done") return;
        logger.warn({ action_id: id }, "shutting down: stopping the running action");
        entry.stopping = true;
        await entry.script?.stop("shutdown");
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
    setMessage: (id: string, messageId: number) => setMessage(pool, id, messageId),
  };
}

export type Executor = ReturnType<typeof createExecutor>;
