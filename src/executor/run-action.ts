import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { audit, finish, renewLease, type Action } from "./actions-store.js";
import type { ExecutorDeps } from "./create-executor.js";
import { startScript, type RunningScript } from "./runner.js";
import { verifyHealth } from "./verify.js";

/** One running action of this process, as the executor tracks it. */
export interface RunningEntry {
  script?: RunningScript;
  /** Aborted on shutdown: verification after the run is abandoned. */
  shutdown: AbortController;
  /** Set by shutdown: the outcome is "interrupted", whatever the script does. */
  stopping: boolean;
  finished?: Promise<void>;
}

export interface RunActionDeps extends ExecutorDeps {
  leaseMs: number;
  script: string;
  /** Called last, whatever happened. */
  done: () => void;
}

/**
 * Runs a claimed action: the script, its lease, progress edits, the verdict, and after
 * a successful deploy the verification of the API.
 */
export async function runAction(
  action: Action,
  entry: RunningEntry,
  deps: RunActionDeps,
): Promise<void> {
  const { pool, clock, logger, reporter, config, leaseMs } = deps;
  const logFile = join(tmpdir(), `opsbot-${action.id}.log`);
  const script = startScript({
    script: deps.script,
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
    deps.done();
    await rm(logFile, { force: true });
  }
}
