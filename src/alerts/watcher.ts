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
import { evaluateAndQueue, loadTickState, observe, type FailureMemory } from "./evaluate-tick.js";
import { countUndelivered } from "./outbox-store.js";
import { createPgOutage } from "./pg-outage.js";
import type { Routing } from "./routes.js";
import type { AlertRuleOptions } from "./rules.js";
import { observeSources, type AlertSource } from "./sources.js";
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
  repeatMinutes: number;
  routing: Routing;
  /** Alerts from beyond the watcher's checks (Alertmanager), read every tick. */
  sources?: readonly AlertSource[];
  heartbeatUrl?: string;
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
  afterTick?: (lastTickAt: Date) => void;
  /**
   * Whether opsbot's migrations are applied. The watcher runs from start-up (it pages
   * pg_down without them), but a tick claimed half-way through migrating would fail.
   */
  schemaReady?: () => boolean;
}

export type TickOutcome = "ok" | "failed" | "skipped" | "pg_down";
export type TickScope = "all" | "sources";

const LEASE_MS = 5 * 60_000;
const HOUSEKEEPING_EVERY = 60;

export function createWatcher(deps: WatcherDeps) {
  const { pool, clock, logger, metrics } = deps;
  const instance = randomUUID();
  const outage = createPgOutage({ ...deps, downAfterChecks: deps.rules.downAfterChecks });
  let task: ScheduledTask | undefined;
  let inFlight: Promise<TickOutcome> | undefined;
  let lastTickAt: Date | null = null;
  let ticks = 0;
  const failing: FailureMemory = new Map();
  let cache: { generation: number; open: AlertState[] } | undefined;
  const evaluateDeps = { ...deps, repeatMs: deps.repeatMinutes * 60_000 };

  async function runTick(tickKey: string, scope: TickScope): Promise<TickOutcome> {
    const checksToo = scope === "all";
    const started = performance.now();
    let generation: number | undefined;
    try {
      generation = await acquireLease(pool, instance, LEASE_MS);
      outage.reachable();
      if (generation === undefined) return "skipped";
    } catch (error) {
      // Unreachable is an outage; anything else (schema not migrated yet) just a failed tick.
      if ((await deps.checks.postgres()).status !== "down") {
        logger.warn({ err: error }, "watcher tick could not start");
        return "failed";
      }
      await outage.failedTick(error);
      return "pg_down";
    }
    try {
      if (deps.schemaReady?.() === false) return "skipped";
      // The tick key makes a scheduled slot run once across replicas; a sources tick is no slot.
      if (checksToo && !(await claimTick(pool, tickKey, instance))) return "skipped";
      const now = clock.now();
      const cachedOpen = cache?.generation === generation ? cache.open : undefined;
      const [snapshot, fromSources, state] = await Promise.all([
        checksToo ? observe(deps.checks, logger, failing, deps.apiHeld) : undefined,
        observeSources(deps.sources ?? [], logger),
        loadTickState(pool, now, cachedOpen),
      ]);
      const evaluated = await evaluateAndQueue(
        evaluateDeps,
        snapshot,
        state,
        now,
        await outage.recovered(now),
        fromSources,
      );
      const delivery = await deliverPending(deps);
      for (const { kind } of delivery.sent) metrics.alertsSent.inc({ kind });
      metrics.alertsFailed.inc(delivery.failed);
      // A quiet tick keeps its copy of the firing alerts for the next one.
      cache = undefined;
      if (evaluated.alertsChanged || delivery.alertsChanged) await bumpGeneration(pool);
      else cache = { generation, open: state.open };
      if (checksToo) await afterChecks(tickKey);
      metrics.undeliveredAlerts.set(await countUndelivered(pool));
      if (checksToo) await scheduledTickDone(tickKey, started, delivery.sent.length);
      return "ok";
    } catch (error) {
      logger.error({ err: error, tickKey }, "watcher tick failed");
      return "failed";
    } finally {
      await releaseLease(pool, instance).catch(() => undefined);
    }
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
  async function scheduledTickDone(tickKey: string, started: number, sent: number) {
    lastTickAt = clock.now();
    metrics.lastTick.set(lastTickAt.getTime() / 1000);
    const seconds = (performance.now() - started) / 1000;
    metrics.tickDuration.observe(seconds);
    logger.debug({ tickKey, ms: Math.round(seconds * 1000), sent }, "watcher tick finished");
    deps.afterTick?.(lastTickAt);
    await heartbeat();
  }

  async function heartbeat(): Promise<void> {
    if (deps.heartbeatUrl === undefined) return;
    try {
      await fetch(deps.heartbeatUrl, { signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      logger.warn({ err: error }, "heartbeat request failed");
    }
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
      return outcome;
    } finally {
      inFlight = undefined;
    }
  }

  return {
    tick,
    /** The last tick of any replica (this one may never win the lease); ours if unknown. */
    lastTickAt: async (): Promise<Date | null> => {
      const fleet = await lastFinishedTick(pool).catch(() => null);
      return fleet !== null && (lastTickAt === null || fleet > lastTickAt) ? fleet : lastTickAt;
    },
    isRunning: () => task !== undefined,
    start() {
      // Replicas compute the same scheduled slot, hence the same tick key.
      task = cron.schedule(deps.cron, (ctx) => tick(`tick:${ctx.date.toISOString()}`), {
        name: "opsbot-watcher",
        noOverlap: true,
      });
      logger.info({ cron: deps.cron }, "watcher started");
    },
    /** Stops scheduling and lets the tick in flight finish. */
    async stop(): Promise<void> {
      await task?.stop();
      task = undefined;
      await inFlight;
    },
  };
}

export type Watcher = ReturnType<typeof createWatcher>;
