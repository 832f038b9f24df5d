import type { Action, Actor, RollbackTarget } from "./actions-store.js";
import { isActionInProgress, recentActions, rollbackTargets, setMessage } from "./actions-store.js";
import { createLifecycle } from "./lifecycle.js";
import { createRequests, type ActionMessage, type ActionRequest } from "./requests.js";
import type { ConfirmResult, ExecutorDeps, RequestResult } from "./types.js";
import { previousGoodRef } from "./verify.js";

/** Guarded deploys and rollbacks: the one entry point features and the watcher use. */
export interface Executor {
  /** A deploy or rollback asked for: validated and stored pending, or why not. */
  request: (input: ActionRequest) => Promise<RequestResult>;
  /** The press on Confirm: checked (message, expiry, two-person rule), then claimed. */
  confirm: (id: string, confirmer: Actor, at: ActionMessage) => Promise<ConfirmResult>;
  /** Runs a claimed action detached from the update; reports by editing its message. */
  start: (action: Action) => void;
  /** Cancel: undefined when it is not this message's pending action (or it expired). */
  cancel: (id: string, actor: Actor, at: ActionMessage) => Promise<Action | undefined>;
  /** Actions whose process is gone (lease lapsed): interrupted and reported, never re-run. */
  reap: () => Promise<Action[]>;
  /**
   * Shutdown: let running actions finish within the deadline, else stop and mark them; a
   * stopped one's result then gets recordGraceMs (3 s) to reach the database.
   */
  stop: (deadlineMs: number, recordGraceMs?: number) => Promise<void>;
  /** Any replica's deploy or rollback running, or a deploy still being verified. */
  inProgress: () => Promise<boolean>;
  /** Remembers the message that shows a pending action's buttons. */
  setMessage: (id: string, messageId: number) => Promise<void>;
  /** The latest deploys and rollbacks past the pending stage, newest first. */
  history: (limit: number) => Promise<Action[]>;
  /** Earlier successful deploys a rollback may go back to, newest first. */
  rollbackTargets: (limit: number) => Promise<RollbackTarget[]>;
  /** The ref that ran before a deploy, for its Rollback button. */
  previousGoodRef: (deployId: string) => Promise<string | undefined>;
}

const DEFAULT_LEASE_MS = 60_000;

export function createExecutor(deps: ExecutorDeps): Executor {
  const { pool, clock, config } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  return {
    ...createRequests(deps, leaseMs),
    ...createLifecycle(deps, leaseMs),
    inProgress: () => isActionInProgress(pool, clock.now(), config.verifyMs),
    setMessage: (id, messageId) => setMessage(pool, id, messageId),
    history: (limit) => recentActions(pool, limit),
    rollbackTargets: (limit) => rollbackTargets(pool, limit),
    previousGoodRef: (deployId) => previousGoodRef(pool, deployId),
  };
}
