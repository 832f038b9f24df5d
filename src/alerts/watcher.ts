import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import cron, { type ScheduledTask } from "node-cron";
import type { Checks } from "../checks/create-checks.js";
import type { Clock } from "../clock.js";
import type { Pool } from "../db/pool.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../log/create-logger.js";
import { deliverPending } from "./deliver.js";
import type { NotifierFor } from "./notifier.js";
import {
  evaluateAndQueue,
  loadTickState,
  takeSnapshot,
  type FailureMemory,
} from "./evaluate-tick.js";
import { countUndelivered } from "./outbox-store.js";
import { createHeartbeat, readPathStatus, type PathStatus } from "./paging-path.js";
import { createPgOutage } from "./pg-outage.js";
import { createProbeLoop, type ProbeObservation } from "./probe-loop.js";
import { recordStartedWindows } from "./silence-actions.js";
import type { Routing } from "./routes.js";
import type { AlertRuleOptions } from "./rules.js";
import { observeSources, type AlertSource, type SourcesObservation } from "./sources.js";
import type { AlertState } from "./types.js";
import {
  acquireLease,
  bumpGeneration,
  claimTick,
  finishTick,
  housekeeping,
  lastFinishedTick,
  releaseLease,
} from "./watcher-lock.js";

export interface WatcherDeps {
  pool: Pool;
  checks: Checks;
  notifierFor: NotifierFor;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  cron: string;
  rules: AlertRuleOptions;
  /** One interval of `cron` (watch-interval.ts): the lease and /healthz's staleness follow it. */
  intervalMs: number;
  /** The probe loop (probe-loop.ts): PROBE_SECONDS, DOWN_AFTER_SECONDS, UP_AFTER_SECONDS. */
  probeMs: number;
  downAfterMs: number;
  upAfterMs: number;
  /** Tests run probe rounds by hand (`probe()`); the loop runs them on its own otherwise. */
  probeByHand?: boolean;
  repeatMinutes: number;
  /** FLAP_CHANGES: state changes within an hour that mark an alert flapping; 0: off. */
  flapChanges?: number;
  routing: Routing;
  /** Alerts from beyond the watcher's checks (Alertmanager), read every tick. */
  sources?: readonly AlertSource[];
  heartbeatUrl?: string;
  /** Whether the last Bot API call got through (the bot layer records it). */
  telegramOk?: () => boolean;
  /**
   * Where the lease is renewed during a tick: not the tick's own pool, whose connections a
   * slow tick may all hold (waiting on a lock) while its lease runs out. Default: `pool`.
   */
  leasePool?: Pool;
  /** Dedups the PostgreSQL-down page across replicas while the database cannot. */
  redis?: Redis;
  sleep: (ms: number) => Promise<void>;
  /** A deploy or rollback runs or is being verified: api_down waits until it ends. */
  apiHeld?: () => Promise<boolean>;
  /** Extra work for every tick that ran (the executor reaps lapsed leases here). */
  onTick?: () => Promise<void>;
  /**
   * After every good scheduled tick, not awaited: what it starts (the sentinel's heartbeat)
   * must never hold a tick up or fail it.
   */
  afterTick?: (status: PathStatus) => void;
  /**
   * Whether opsbot's migrations are applied. The watcher runs from start-up (it pages
   * pg_down without them), but a tick claimed half-way through migrating would fail.
   */
  schemaReady?: () => boolean;
}

export type TickOutcome = "ok" | "failed" | "skipped" | "pg_down";
/** all: the scheduled tick; sources: Alertmanager's alerts just received; probes: a verdict changed. */
export type TickScope = "all" | "sources" | "probes";

// The lease is one watch interval, renewed while a tick runs: a replica that dies mid-tick
// holds the others back at most that long (and never past the next-but-one slot).
const LEASE_MIN_MS = 2_000;
const LEASE_MAX_MS = 5 * 60_000;
const RENEWALS_PER_LEASE = 3;
// No replica finished a tick for this many intervals: /healthz says the tick is stale.
const STALE_INTERVALS = 3;
const HOUSEKEEPING_EVERY = 60;
// A probes tick waits this long between tries while another tick holds the lease.
const PROBE_TICK_RETRY_MS = 200;
const NO_SOURCES: SourcesObservation = { alerts: [], evaluated: [] };

export function createWatcher(deps: WatcherDeps) {
  const { pool, clock, logger, metrics } = deps;
  const instance = randomUUID();
  const leaseMs = Math.min(LEASE_MAX_MS, Math.max(LEASE_MIN_MS, deps.intervalMs));
  let startedAt: Date | undefined;
  const outage = createPgOutage(deps);
  let task: ScheduledTask | undefined;
  let inFlight: Promise<TickOutcome> | undefined;
  let lastTickAt: Date | null = null;
  const heartbeat = createHeartbeat({ url: deps.heartbeatUrl, logger });
  let ticks = 0;
  const failing: FailureMemory = new Map();
  let cache: { generation: number; open: AlertState[] } | undefined;
  const evaluateDeps = { ...deps, repeatMs: deps.repeatMinutes * 60_000 };
  const probes = createProbeLoop({
    ...deps,
    pgDown: (error, since) => outage.down(error, since),
    apply: applyProbes,
  });

  /** The page goes out now: a tick of the probes' verdicts, waiting out one that runs. */
  async function applyProbes(): Promise<boolean> {
    for (let waited = 0; waited < deps.probeMs; waited += PROBE_TICK_RETRY_MS) {
      const outcome = await tick(`probes:${randomUUID()}`, "probes");
      if (outcome !== "skipped") return outcome === "ok";
      await deps.sleep(PROBE_TICK_RETRY_MS);
    }
    return false;
  }

  async function runTick(tickKey: string, scope: TickScope): Promise<TickOutcome> {
    const checksToo = scope === "all";
    const started = performance.now();
    let generation: number | undefined;
    try {
      generation = await acquireLease(pool, instance, leaseMs);
      if (generation === undefined) return "skipped";
    } catch (error) {
      // Unreachable is an outage (the probe loop pages it); anything else (schema not
      // migrated yet) just a failed tick.
      if ((await deps.checks.postgres()).status !== "down") {
        logger.warn({ err: error }, "watcher tick could not start");
        return "failed";
      }
      logger.warn({ err: error }, "PostgreSQL unreachable: watcher tick skipped");
      return "pg_down";
    }
    const renewal = setInterval(renewLease, leaseMs / RENEWALS_PER_LEASE);
    try {
      if (deps.schemaReady?.() === false) return "skipped";
      // The tick key makes a scheduled slot run once across replicas; a sources tick is no slot.
      if (checksToo && !(await claimTick(pool, tickKey, instance))) return "skipped";
      const now = clock.now();
      const cachedOpen = cache?.generation === generation ? cache.open : undefined;
      const probed = probes.observation();
      const [snapshot, fromSources, state] = await Promise.all([
        checksToo ? takeSnapshot(deps.checks, logger, failing) : undefined,
        scope === "probes" ? NO_SOURCES : observeSources(deps.sources ?? [], logger),
        loadTickState(pool, now, cachedOpen),
      ]);
      const evaluated = await evaluateAndQueue(
        evaluateDeps,
        snapshot,
        state,
        now,
        probed.postgresUp ? await outage.recovered(now) : [],
        withProbes(fromSources, probed),
      );
      const delivery = await deliverPending(deps);
      // A side record: its failure must not hold pages back (the next tick claims it again).
      await recordStartedWindows(pool, now).catch((error: unknown) =>
        logger.warn({ err: error }, "maintenance window starts not recorded; next tick"),
      );
      for (const { kind } of delivery.sent) metrics.alertsSent.inc({ kind });
      metrics.alertsFailed.inc(delivery.failed);
      // A quiet tick keeps its copy of the firing alerts for the next one.
      cache = undefined;
      if (evaluated.alertsChanged || delivery.alertsChanged) await bumpGeneration(pool);
      else cache = { generation, open: state.open };
      if (checksToo) await afterChecks(tickKey);
      metrics.undeliveredAlerts.set(await countUndelivered(pool));
      if (checksToo) scheduledTickDone(tickKey, started, delivery.sent.length);
      return "ok";
    } catch (error) {
      logger.error({ err: error, tickKey }, "watcher tick failed");
      return "failed";
    } finally {
      clearInterval(renewal);
      await releaseLease(pool, instance).catch(() => undefined);
    }
  }

  /** A long tick keeps its lease; one that lost it (the database was away) says so. */
  function renewLease(): void {
    acquireLease(deps.leasePool ?? pool, instance, leaseMs)
      .then((generation) => {
        if (generation === undefined) logger.warn("watcher lease lost during a tick");
      })
      .catch((error: unknown) => logger.debug({ err: error }, "watcher lease not renewed"));
  }

  /** The fleet's last tick, or this process's. */
  async function lastTickOfAny(): Promise<Date | null> {
    const fleet = await lastFinishedTick(pool).catch(() => null);
    return fleet !== null && (lastTickAt === null || fleet > lastTickAt) ? fleet : lastTickAt;
  }

  /** The scheduled tick's own work, beside alerting. */
  async function afterChecks(tickKey: string): Promise<void> {
    // /runs reads this history; without it, it reads worker_runs (slower, still right).
    await deps.checks
      .refreshRunHistory()
      .catch((error: unknown) => logger.debug({ err: error }, "run history not refreshed"));
    await deps.onTick?.();
    if (++ticks % HOUSEKEEPING_EVERY === 1) await housekeeping(pool, clock.now());
    await finishTick(pool, tickKey);
  }

  /** A tick of the checks is what /healthz, the tick metrics and the heartbeat vouch for. */
  function scheduledTickDone(tickKey: string, started: number, sent: number) {
    lastTickAt = clock.now();
    metrics.lastTick.set(lastTickAt.getTime() / 1000);
    const seconds = (performance.now() - started) / 1000;
    metrics.tickDuration.observe(seconds);
    logger.debug({ tickKey, ms: Math.round(seconds * 1000), sent }, "watcher tick finished");
  }

  /** After a scheduled tick this replica ran: is the paging path whole? */
  async function pathStatus(tickOk: boolean, now: Date): Promise<PathStatus> {
    const stored = tickOk ? await readPathStatus(pool, now).catch(() => undefined) : undefined;
    return {
      lastTickAt,
      lastTickOk: stored !== undefined,
      undeliveredAlerts: stored?.undeliveredAlerts ?? 0,
      oldestUndeliveredSeconds: stored?.oldestUndeliveredSeconds ?? null,
      telegramOk: deps.telegramOk?.() ?? true,
      firing: stored?.firing ?? { critical: 0, warning: 0 },
    };
  }

  /**
   * Runs one tick; a tick already in flight in this process is not overlapped. Scope
   * "sources" reads and delivers the extra sources' alerts only (Alertmanager's, just
   * received): the checks, their failure counts (DOWN_AFTER_CHECKS counts scheduled ticks)
   * and the heartbeat wait for the schedule.
   */
  async function tick(
    tickKey = `tick:${clock.now().toISOString()}`,
    scope: TickScope = "all",
  ): Promise<TickOutcome> {
    if (inFlight) return "skipped";
    inFlight = runTick(tickKey, scope);
    try {
      const outcome = await inFlight;
      metrics.ticks.inc({ result: outcome });
      if (scope === "all" && outcome !== "skipped") {
        const now = clock.now();
        const status = await pathStatus(outcome === "ok", now);
        await heartbeat(status, now);
        if (outcome === "ok") deps.afterTick?.(status);
      }
      return outcome;
    } finally {
      inFlight = undefined;
    }
  }

  return {
    tick,
    /** One probe round by hand, with the tick it may start (tests). */
    probe: () => probes.round(),
    /** The last tick of any replica (this one may never win the lease); ours if unknown. */
    lastTickAt: lastTickOfAny,
    /** No replica finished a tick for 3 watch intervals (counted from start before any). */
    async tickStale(): Promise<boolean> {
      if (startedAt === undefined) return false;
      const since = (await lastTickOfAny()) ?? startedAt;
      return clock.now().getTime() - since.getTime() > STALE_INTERVALS * deps.intervalMs;
    },
    isRunning: () => task !== undefined,
    start() {
      // Replicas compute the same scheduled slot, hence the same tick key.
      task = cron.schedule(deps.cron, (ctx) => tick(`tick:${ctx.date.toISOString()}`), {
        name: "opsbot-watcher",
        noOverlap: true,
      });
      startedAt = clock.now();
      if (!deps.probeByHand) probes.start();
      logger.info({ cron: deps.cron, probeMs: deps.probeMs }, "watcher started");
    },
    /** Stops scheduling and lets the tick in flight finish. */
    async stop(): Promise<void> {
      await task?.stop();
      task = undefined;
      await probes.stop();
      await inFlight;
    },
  };
}

export type Watcher = ReturnType<typeof createWatcher>;

/** The probes' verdicts beside the other sources' alerts: one observation for the tick. */
const withProbes = (sources: SourcesObservation, probed: ProbeObservation): SourcesObservation => ({
  alerts: [...probed.alerts, ...sources.alerts],
  evaluated: [...probed.evaluated, ...sources.evaluated],
});
