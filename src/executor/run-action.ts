import { readFile, rm } from "node:fs/promises";
import { audit, recordStart, renewLease, type Action } from "./actions-store.js";
import type { ExecutorDeps } from "./types.js";
import { createLogDir } from "./log-dir.js";
import { hostIdentity, startTicksOf } from "./process-group.js";
import { recordResult } from "./record-result.js";
import { startScript, type RunningScript } from "./runner.js";
import { createProtocolScanner, protocolNonce } from "./protocol-lines.js";
import { OUTPUT_TAIL_CHARS } from "./reporter.js";
import { verifyHealth } from "./verify.js";

/** One running action of this process, as the executor tracks it. */
export interface RunningEntry {
  script?: RunningScript;
  /** Aborted on shutdown: verification after the run is abandoned. */
  shutdown: AbortController;
  /** Aborted when shutdown cannot wait any longer for the result to be recorded. */
  abandon: AbortController;
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
  const { pool, clock, logger, reporter, config, leaseMs, redact } = deps;
  const host = await hostIdentity();
  // The run matters more than its full log: without a private directory, no log file.
  const logDir = await createLogDir(action.id).catch((error: unknown) => {
    logger.warn({ err: error, action_id: action.id }, "could not create the log directory");
    return undefined;
  });
  const logFile = logDir?.logFile;
  const nonce = protocolNonce();
  const protocol = createProtocolScanner(nonce);
  const script = startScript({
    script: deps.script,
    ref: action.ref,
    // An allowlist, never the bot's own environment: no token, no database URL.
    env: {
      ...config.scriptEnv,
      OPSBOT_ACTION: action.kind,
      OPSBOT_REF: action.ref,
      OPSBOT_REQUESTED_BY: action.requestedBy.name,
      OPSBOT_NONCE: nonce,
    },
    timeoutMs: config.actionTimeoutMs,
    graceMs: deps.graceMs,
    ...(logFile !== undefined ? { logFile } : {}),
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
      reporter.progress(action, redact(tail), clock.now().getTime() - startedAt),
    ).finally(() => (editBusy = false));
  }, config.progressEditMs);
  try {
    await recordScript(action, script, host, deps).catch((error: unknown) => {
      // Nothing would renew its lease or stop it on shutdown: it must not run on unseen.
      logger.error({ err: error, action_id: action.id }, "could not record the start: stopping");
      entry.stopping = true;
      void script.stop("its start could not be recorded");
    });
    const result = await script.done;
    clearInterval(progress);
    await editing;
    const outcome = entry.stopping ? "interrupted" : result.outcome;
    const tail = redact(result.tail).slice(-OUTPUT_TAIL_CHARS);
    const done = await recordResult(
      action,
      { ...result, outcome, tail, reported: protocol.facts() },
      clock.now(),
      {
        ...deps,
        signal: entry.abandon.signal,
      },
    );
    clearInterval(renew);
    if (done === undefined) {
      // Reaped as interrupted while it ran (the lease lapsed): that was already reported.
      logger.error({ action_id: action.id, outcome }, "action finished after its lease was lost");
      return;
    }
    deps.onOutcome?.(action.kind, outcome);
    if (outcome === "interrupted")
      return await report("interruption", () => reporter.interrupted(done));
    // Output longer than a message goes along whole (size-capped), redacted like the rest.
    const log =
      logFile !== undefined && result.totalBytes > OUTPUT_TAIL_CHARS
        ? await readFile(logFile, "utf8").then(
            (text) => Buffer.from(redact(text)),
            () => undefined,
          )
        : undefined;
    await report("the result", () => reporter.finished(done, { ...result, tail }, log));
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
    if (logDir) await rm(logDir.dir, { recursive: true, force: true });
  }
}

/** The script's process group and host, with the "started" audit row. */
async function recordScript(
  action: Action,
  script: RunningScript,
  host: string | undefined,
  deps: RunActionDeps,
): Promise<void> {
  const startTicks = script.pid > 0 ? await startTicksOf(script.pid) : null;
  const group =
    script.pid > 0 && host !== undefined ? { pgid: script.pid, startTicks, host } : null;
  const recorded = await recordStart(
    deps.pool,
    action.id,
    { pid: script.pid, group },
    deps.clock.now(),
  );
  if (!recorded) throw new Error("the action is no longer running (reaped by another process)");
}
