import type { Checks } from "../checks/create-checks.js";
import { projectOfFingerprint } from "../checks/scope.js";
import { errorMessage } from "../checks/status.js";
import type { StuckRuns } from "../checks/listings/stuck.js";
import type { Pool } from "../db/pool.js";
import { withTransaction } from "../db/transaction.js";
import { recordTransitions } from "../incidents/record.js";
import type { Logger } from "../log/create-logger.js";
import {
  loadAcks,
  loadFailures,
  loadLastEpisodes,
  loadOpenAlerts,
  loadSilences,
  saveAlerts,
  saveFailures,
  saveFlapMarks,
} from "./alert-store.js";
import { enqueue } from "./outbox-store.js";
import { outagePage } from "./pg-outage.js";
import { groupByDestination, type Routing } from "./routes.js";
import type { SourcesObservation } from "./sources.js";
import {
  evaluateRules,
  type AlertRuleOptions,
  type FailureCounts,
  type Snapshot,
  type WatchedCheck,
} from "./rules.js";
import { advanceAlertState, type AlertStateChanges } from "./state.js";
import type { Alert, AlertState, Silence, Source } from "./types.js";

// Enough for any storm; past it the stuck list is incomplete and resolves nothing.
const STUCK_ALERT_LIMIT = 50_000;

export interface EvaluateDeps {
  pool: Pool;
  rules: AlertRuleOptions;
  repeatMs: number;
  routing: Routing;
  /** FLAP_CHANGES (flapping.ts); 0 or none: off. */
  flapChanges?: number;
}

/** Remembers each source's last failure, so a lasting one is logged once, not every tick. */
export type FailureMemory = Map<string, string>;

/**
 * The tick's Snapshot: every check at once. Each check runs on its own: one that fails (a missing table,
 * a timeout) is blind this tick, leaves its alerts as they are and stops nothing else.
 */
export async function takeSnapshot(
  checks: Checks,
  logger: Logger,
  failing: FailureMemory,
): Promise<Snapshot> {
  const blind: Partial<Record<WatchedCheck, string>> = {};
  const evaluable = (what: WatchedCheck) => {
    if (failing.delete(what)) logger.info({ what }, "watcher can evaluate again");
  };
  const cannotEvaluate = (what: WatchedCheck, error: unknown) => {
    const message = errorMessage(error);
    blind[what] = message;
    const level = failing.get(what) === message ? "debug" : "warn";
    failing.set(what, message);
    logger[level]({ err: error, what }, "watcher could not evaluate; its alerts stay as they are");
  };
  const attempt = async <T>(what: WatchedCheck, load: () => Promise<T>): Promise<T | undefined> => {
    try {
      const result = await load();
      evaluable(what);
      return result;
    } catch (error) {
      cannotEvaluate(what, error);
      return undefined;
    }
  };
  // /pg's parts fail on their own (a role without pg_read_all_stats sees no other session).
  const sessionsPart = (what: WatchedCheck, part: { ok: true } | { ok: false; error: string }) => {
    if (part.ok) evaluable(what);
    else cannotEvaluate(what, new Error(part.error));
  };
  const complete = (found: StuckRuns | undefined) =>
    found && { runs: found.runs, complete: found.total === found.runs.length };
  const observed = await allNamed({
    postgres: checks.postgres(),
    stuck: attempt("stuck", () => checks.stuckWorkers(undefined, STUCK_ALERT_LIMIT)).then(complete),
    processes: attempt("processes", () => checks.stuckProcesses(undefined, STUCK_ALERT_LIMIT)).then(
      complete,
    ),
    jobs: attempt("jobs", checks.jobs),
    connectors: attempt("sync", checks.sync),
    scheduler: attempt("scheduler", checks.scheduler),
    pgActivity: checks.pgActivity(),
    backups: attempt("backups", checks.backups),
    // Unknown: no alert is taken for out of scope.
    projects: checks.watchedProjects().catch(() => undefined),
  });
  sessionsPart("pg_queries", observed.pgActivity.longest);
  sessionsPart("pg_locks", observed.pgActivity.blocked);
  return { ...observed, blind };
}

/** Promise.all over a record: every promise at once, each result under its own name. */
async function allNamed<T extends object>(named: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const names = Object.keys(named);
  const results = await Promise.all(Object.values(named));
  return Object.fromEntries(names.map((name, i) => [name, results[i]])) as T;
}

/** A watcher alert of a project no longer watched (PROJECT_IDS narrowed, a project gone). */
const outOfScope =
  (projects: ReadonlySet<string> | undefined) =>
  (alert: AlertState): boolean => {
    if (projects === undefined || alert.source === "alertmanager") return false;
    const project = projectOfFingerprint(alert.fingerprint);
    return project !== undefined && !projects.has(project);
  };

/** Observed alerts that did not fire before this tick. */
function firingAnew(observed: readonly Alert[], open: readonly AlertState[]): string[] {
  const firing = new Set(open.map((a) => a.fingerprint));
  return observed.filter((a) => !firing.has(a.fingerprint)).map((a) => a.fingerprint);
}

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
): Promise<AlertStateChanges & { alertsChanged: boolean }> {
  // No snapshot: a tick of the sources alone, leaving the checks' alerts and counts as they are.
  const evaluation = snapshot
    ? evaluateRules(snapshot, state.failures, deps.rules)
    : { alerts: [], evaluated: new Set<Source>(), failures: state.failures, reasons: {} };
  const observed = [...evaluation.alerts, ...sources.alerts];
  const flapChanges = deps.flapChanges ?? 0;
  const result = advanceAlertState({
    open: state.open,
    observed,
    flapChanges,
    ...(flapChanges > 0
      ? { lastEpisodes: await loadLastEpisodes(deps.pool, firingAnew(observed, state.open)) }
      : {}),
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

  await withTransaction(deps.pool, async (client) => {
    await saveAlerts(client, result.changed);
    // PostgreSQL's own outage (extraResolved) could not be recorded while it lasted.
    await recordTransitions(
      client,
      {
        fired: [...result.started, ...extraResolved],
        paged: extraResolved.map(outagePage),
        resolved: [...result.ended, ...extraResolved],
      },
      now,
    );
    if (failuresChanged) await saveFailures(client, evaluation.failures, evaluation.reasons);
    await saveFlapMarks(client, result.flapping, now);
    for (const [kind, alerts] of [
      ["firing", result.firing],
      ["repeat", result.repeat],
      ["resolved", resolved],
      ["flapping", result.flapping],
      ["settled", result.settled],
    ] as const) {
      for (const group of groupByDestination(alerts, deps.routing)) {
        await enqueue(client, kind, group.alerts, group.destination, now);
      }
    }
  });
  return { ...result, alertsChanged };
}
