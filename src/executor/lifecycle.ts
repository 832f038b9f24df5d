import { removeLogDirs } from "./log-dir.js";
import { killLeftovers } from "./process-group.js";
import { expireLapsed, findLapsed, finish, markInterrupted, type Action } from "./actions-store.js";
import { runAction, type RunningEntry } from "./run-action.js";
import { GRACE_MS } from "./runner.js";
import { scriptFor } from "./scripts.js";
import type { ExecutorDeps } from "./types.js";

// On shutdown, how long a stopped action's result may wait for the database.
const RECORD_GRACE_MS = 3_000;

/**
 * The claimed action's life in this process: started detached, reaped when another
 * process that ran one is gone, stopped within a deadline on shutdown.
 */
export function createLifecycle(deps: ExecutorDeps, leaseMs: number) {
  const { pool, clock, logger, config, reporter, sleep } = deps;
  const running = new Map<string, RunningEntry>();
  let stopped = false;

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
      script: scriptFor(config, action.kind)!,
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
      const left = await killLeftovers(lapsed.script, marks, {
        graceMs: deps.graceMs ?? GRACE_MS,
        sleep,
      });
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
  async function stop(deadlineMs: number, recordGraceMs = RECORD_GRACE_MS): Promise<void> {
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
        if (await within(entry.finished, recordGraceMs)) return;
        entry.abandon.abort();
        await entry.finished;
      }),
    );
  }

  return { start, reap, stop };
}
