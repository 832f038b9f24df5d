import { constants } from "node:fs";
import { access, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  renewLease,
  audit,
  runningAction,
  setMessage,
  type Action,
  type ActionKind,
  type Actor,
} from "./actions-store.js";
import { validateRef } from "./ref.js";
import type { ActionReporter } from "./reporter.js";
import { startScript, type RunningScript } from "./runner.js";
import { verifyHealth } from "./verify.js";

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

interface RunningEntry {
  script?: RunningScript;
  /** Aborted on shutdown: verification after the run is abandoned. */
  shutdown: AbortController;
  /** Set by shutdown: the outcome is "interrupted", whatever the script does. */
  stopping: boolean;
  finished?: Promise<void>;
}

export function createExecutor(deps: ExecutorDeps) {
  const { pool, clock, logger, config, reporter } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const running = new Map<string, RunningEntry>();

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
    const entry: RunningEntry = { stopping: false, shutdown: new AbortController() };
    running.set(action.id, entry);
    entry.finished = run(action, entry).catch((error: unknown) => {
      logger.error({ err: error, action_id: action.id }, "action runner failed");
    });
  }

  async function run(action: Action, entry: RunningEntry): Promise<void> {
    const logFile = join(tmpdir(), `opsbot-${action.id}.log`);
    const script = startScript({
      script: scriptFor(action.kind)!,
      ref: action.ref,
      // An allowlist, never the bot's own environment: no token, no database URL.
      env: {
        PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
        HOME: process.env.HOME ?? "/",
        OPSBOT_ACTION: action.kind,
        OPSBOT_REF: action.ref,
        OPSBOT_REQUESTED_BY: action.requestedBy.name,
      },
      timeoutMs: config.actionTimeoutMs,
      logFile,
    });
    entry.script = script;
    await audit(pool, action.id, { event: "started", detail: { pid: script.pid } }, clock.now());
    const startedAt = clock.now().getTime();
    let lastTail = "";
    const renew = setInterval(() => {
      renewLease(pool, action.id, leaseMs).then(
        (held) => {
          if (!held)
            logger.error({ action_id: action.id }, "lease lost: the action was marked interrupted");
        },
        (error: unknown) =>
          logger.warn({ err: error, action_id: action.id }, "could not renew the action lease"),
      );
    }, leaseMs / 3);
    const progress = setInterval(() => {
      const tail = script.tail();
      if (tail === lastTail) return;
      lastTail = tail;
      reporter
        .progress(action, tail, clock.now().getTime() - startedAt)
        .catch((error: unknown) => logger.warn({ err: error }, "progress edit failed"));
    }, config.progressEditMs);
    try {
      const result = await script.done;
      clearInterval(renew);
      clearInterval(progress);
      const outcome = entry.stopping ? "interrupted" : result.outcome;
      const tail = result.tail.slice(-3000);
      const done = await finish(pool, action.id, { ...result, outcome, tail }, clock.now());
      if (done === undefined) {
        // Reaped as interrupted while it ran (the lease lapsed): that was already reported.
        logger.error({ action_id: action.id, outcome }, "action finished after its lease was lost");
        return;
      }
      deps.onOutcome?.(action.kind, outcome);
      if (outcome === "interrupted") return await reporter.interrupted(done);
      await reporter.finished(done, result, logFile);
      if (action.kind === "deploy" && result.outcome === "succeeded" && config.verifyMs > 0) {
        const verdict = await verifyHealth({
          ...deps,
          verifyMs: config.verifyMs,
          deployId: action.id,
          signal: entry.shutdown.signal,
        });
        if (verdict === undefined) {
          logger.warn({ action_id: action.id }, "verification abandoned: shutting down");
          return;
        }
        await audit(pool, action.id, { event: "verified", detail: { ...verdict } }, clock.now());
        await reporter.verified(done, verdict);
      }
    } finally {
      clearInterval(renew);
      clearInterval(progress);
      running.delete(action.id);
      await rm(logFile, { force: true });
    }
  }

  /** Actions whose process is gone (lease lapsed): interrupted and reported, never re-run. */
  async function reap(): Promise<Action[]> {
    const lapsed = await reapLapsed(pool, clock.now());
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
