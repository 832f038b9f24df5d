import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { audit, finish, recordReported, renewLease, type Action } from "./actions-store.js";
import type { ExecutorDeps } from "./create-executor.js";
import { startScript, type RunningScript } from "./runner.js";
import { createProtocolScanner } from "./protocol-lines.js";
import { OUTPUT_TAIL_CHARS } from "./reporter.js";
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
  const protocol = createProtocolScanner();
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
    onOutput: protocol.push,
  });
  entry.script = script;
  const startedAt = clock.now().getTime();
  // A report that fails (Telegram down) is logged; it never skips what comes after it.
  const report = async (what: string, send: () => Promise<void>) => {
    try {
      await send();
    } catch (error) {
      logger.warn({ err: error, action_id: action.id }, `could not report ${what}`);
    }
  };
  const renew = setInterval(() => {
    renewLease(pool, action.id, leaseMs).then(
      (held) => {
        if (held || entry.stopping) return;
        // Another replica judged this action dead and freed its slot: fail closed, so two
        // actions never run at once.
        logger.error({ action_id: action.id }, "lease lost: stopping the action");
        entry.stopping = true;
        void script.stop("lease lost");
      },
      (error: unknown) =>
        logger.warn({ err: error, action_id: action.id }, "could not renew the action lease"),
    );
  }, leaseMs / 3);
  // One progress edit at a time, and none after the verdict: a late one would overwrite it.
  let lastTail = "";
  let editing: Promise<void> = Promise.resolve();
  let editBusy = false;
  const progress = setInterval(() => {
    const tail = script.tail();
    if (editBusy || tail === lastTail) return;
    lastTail = tail;
    editBusy = true;
    editing = report("progress", () =>
      reporter.progress(action, tail, clock.now().getTime() - startedAt),
    ).finally(() => (editBusy = false));
  }, config.progressEditMs);
  try {
    await audit(pool, action.id, { event: "started", detail: { pid: script.pid } }, clock.now());
    const result = await script.done;
    clearInterval(renew);
    clearInterval(progress);
    await editing;
    const outcome = entry.stopping ? "interrupted" : result.outcome;
    const tail = result.tail.slice(-OUTPUT_TAIL_CHARS);
    const reported = protocol.facts();
    if (reported.commit !== undefined || reported.previous !== undefined)
      await recordReported(pool, action.id, reported, clock.now());
    const done = await finish(pool, action.id, { ...result, outcome, tail }, clock.now());
    if (done === undefined) {
      // Reaped as interrupted while it ran (the lease lapsed): that was already reported.
      logger.error({ action_id: action.id, outcome }, "action finished after its lease was lost");
      return;
    }
    deps.onOutcome?.(action.kind, outcome);
    if (outcome === "interrupted")
      return await report("interruption", () => reporter.interrupted(done));
    await report("the result", () => reporter.finished(done, result, logFile));
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
      await report("the verification", () => reporter.verified(done, verdict));
    }
  } finally {
    clearInterval(renew);
    clearInterval(progress);
    deps.done();
    await rm(logFile, { force: true });
  }
}
