import type { Checks } from "../checks/create-checks.js";
import { projectOfFingerprint } from "../checks/scope.js";
import { errorMessage } from "../checks/status.js";
import type { StuckRuns } from "../checks/listings/stuck.js";
import type { Pool } from "../db/pool.js";
import type { Logger } from "../log/create-logger.js";
import {
  loadAcks,
  loadFailures,
  loadOpenAlerts,
  loadSilences,
  saveAlerts,
  saveFailures,
} from "./alert-store.js";
import { enqueue } from "./outbox-store.js";
import { groupByDestination, type Routing } from "./routes.js";
import type { SourcesObservation } from "./sources.js";
import type { OnCallRuleOptions } from "./rules-on-call.js";
import { evaluateRules, type FailureCounts, type Snapshot, type WatchedCheck } from "./rules.js";
import { step, type StepResult } from "./state.js";
import type { AlertState, Silence, Source } from "./types.js";

// Enough for any storm; past it the stuck list is incomplete and resolves nothing.
const STUCK_ALERT_LIMIT = 50_000;

export interface EvaluateDeps {
  pool: Pool;
  downAfterChecks: number;
  repeatMs: number;
  routing: Routing;
  connectionsHighRatio?: number;
  onCall?: OnCallRuleOptions;
}

/** Remembers each source's last failure, so a lasting one is logged once, not every tick. */
export type FailureMemory = Map<string, string>;

/**
 * Observe everything at once. Each check runs on its own: one that fails (a missing table,
 * a timeout) is blind this tick, leaves its alerts as they are and stops nothing else.
 */
export async function observe(
  checks: Checks,
  logger: Logger,
  failing: FailureMemory,
  apiHeld: () => Promise<boolean> = () => Promise.resolve(false),
): Promise<Snapshot> {
  const blind: Partial<Record<WatchedCheck, string>> = {};
  const attempt = async <T>(what: WatchedCheck, load: () => Promise<T>): Promise<T | undefined> => {
    try {
      const result = await load();
      if (failing.delete(what)) logger.info({ what }, "watcher can evaluate again");
      return result;
    } catch (error) {
      const message = errorMessage(error);
      blind[what] = message;
      const level = failing.get(what) === message ? "debug" : "warn";
      failing.set(what, message);
      logger[level](
        { err: error, what },
        "watcher could not evaluate; its alerts stay as they are",
      );
      return undefined;
    }
  };
  const complete = (found: StuckRuns | undefined) =>
    found ? { runs: found.runs, complete: found.total === found.runs.length } : undefined;
  const [
    api,
    postgres,
    redis,
    stuck,
    processes,
    jobs,
    connectors,
    scheduler,
    pgActivity,
    backups,
    held,
    projects,
  ] = await Promise.all([
    checks.api(),
    checks.postgres(),
    checks.redis(),
    attempt("stuck", () => checks.stuckWorkers(undefined, STUCK_ALERT_LIMIT)),
    attempt("processes", () => checks.stuckProcesses(undefined, STUCK_ALERT_LIMIT)),
    attempt("jobs", checks.jobs),
    attempt("sync", checks.sync),
    attempt("scheduler", checks.scheduler),
    checks.pgActivity(),
    attempt("backups", checks.backups),
    // Unknown is not held: an API down after all pages as usual.
    apiHeld().catch(() => false),
    // Unknown: no alert is taken for out of scope.
    checks.watchedProjects().catch(() => undefined),
  ]);
  return {
    apiHeld: held,
    api,
    postgres,
    redis,
    ...(stuck ? { stuck: complete(stuck)! } : {}),
    ...(processes ? { processes: complete(processes)! } : {}),
    ...(jobs ? { jobs } : {}),
    ...(connectors ? { connectors } : {}),
    ...(scheduler ? { scheduler } : {}),
    blind,
    pgActivity,
    ...(backups ? { backups } : {}),
    ...(projects ? { projects } : {}),
  };
}

/** A watcher alert of a project no longer watched (PROJECT_IDS narrowed, a project gone). */
const outOfScope =
  (projects: ReadonlySet<string> | undefined) =>
  (alert: AlertState): boolean => {
    if (projects === undefined || alert.source === "alertmanager") return false;
    const project = projectOfFingerprint(alert.fingerprint);
    return project !== undefined && !projects.has(project);
  };

export interface TickState {
  /** Firing alerts; thousands in a storm, hence cached between quiet ticks. */
  open: AlertState[];
  silences: Silence[];
  failures: FailureCounts;
  acked: Set<string>;
}

/**
 * The stored state, read alongside the observation: only the lease holder changes alerts,
 * so nothing else can move them in between.
 */
export async function loadTickState(
  pool: Pool,
  now: Date,
  cachedOpen?: AlertState[],
): Promise<TickState> {
  const [open, silences, failures, acks] = await Promise.all([
    cachedOpen ?? loadOpenAlerts(pool),
    loadSilences(pool, now),
    loadFailures(pool),
    loadAcks(pool),
  ]);
  return { open, silences, failures, acked: new Set(acks.keys()) };
}

/**
 * The evaluate, state, route and group stages: previous state and this tick's observation
 * (the checks' snapshot and the extra sources') in; the changes and the notifications to
 * send out, one per kind and destination, written in one transaction, so a crash loses
 * neither. A quiet tick writes nothing.
 */
export async function evaluateAndQueue(
  deps: EvaluateDeps,
  snapshot: Snapshot | undefined,
  state: TickState,
  now: Date,
  extraResolved: readonly AlertState[] = [],
  sources: SourcesObservation = { alerts: [], evaluated: [] },
): Promise<StepResult & { alertsChanged: boolean }> {
  // No snapshot: a tick of the sources alone, leaving the checks' alerts and counts as they are.
  const evaluation = snapshot
    ? evaluateRules(snapshot, state.failures, {
        downAfterChecks: deps.downAfterChecks,
        connectionsHighRatio: deps.connectionsHighRatio,
        onCall: deps.onCall,
      })
    : { alerts: [], evaluated: new Set<Source>(), failures: state.failures, reasons: {} };
  const result = step({
    open: state.open,
    observed: [...evaluation.alerts, ...sources.alerts],
    evaluated: new Set([...evaluation.evaluated, ...sources.evaluated]),
    silences: state.silences,
    acked: state.acked,
    now,
    repeatMs: deps.repeatMs,
    outOfScope: outOfScope(snapshot?.projects),
  });
  const resolved = [...result.resolved, ...extraResolved];
  const failuresChanged = Object.entries(evaluation.failures).some(
    ([component, count]) => (state.failures[component] ?? 0) !== count,
  );
  // Failure counts alone leave the open alerts as they are (a component down for the ticks
  // before it pages): the watcher's copy of them stays good.
  const alertsChanged = result.changed.length > 0 || resolved.length > 0;
  if (!alertsChanged && !failuresChanged) return { ...result, alertsChanged };

  const client = await deps.pool.connect();
  try {
    await client.query("BEGIN");
    await saveAlerts(client, result.changed);
    if (failuresChanged) await saveFailures(client, evaluation.failures, evaluation.reasons);
    for (const [kind, alerts] of [
      ["firing", result.firing],
      ["repeat", result.repeat],
      ["resolved", resolved],
    ] as const) {
      for (const group of groupByDestination(alerts, deps.routing)) {
        await enqueue(client, kind, group.alerts, group.destination, now);
      }
    }
    await client.query("COMMIT");
    return { ...result, alertsChanged };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
