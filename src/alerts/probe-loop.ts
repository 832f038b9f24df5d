import type { Checks } from "../checks/create-checks.js";
import type { ComponentCheck } from "../checks/status.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../log/create-logger.js";
import { createProbeWindows, type Probed } from "./probe-windows.js";
import type { SourcesObservation } from "./sources.js";
import type { Alert, Source } from "./types.js";

export interface ProbeLoopDeps {
  checks: Pick<Checks, "api" | "postgres" | "redis">;
  clock: Clock;
  logger: Logger;
  probeMs: number;
  downAfterMs: number;
  upAfterMs: number;
  /** A deploy or rollback runs or is being verified: api_down is neither fired nor resolved. */
  apiHeld?: () => Promise<boolean>;
  /** PostgreSQL has been down for DOWN_AFTER_SECONDS: paged without the database. */
  pgDown: (error: string, since: Date) => Promise<void>;
  /** The verdicts changed: a tick applies them at once; false when none could run. */
  apply: () => Promise<boolean>;
}

/** What the probes say, as a tick reads it beside the other sources. */
export interface ProbeObservation extends SourcesObservation {
  /** PostgreSQL has passed every probe for UP_AFTER_SECONDS: a paged pg_down resolves. */
  postgresUp: boolean;
}

// Anything but ok-like is unhealthy (a degraded API too); not configured is fine.
const isFailing = (check: ComponentCheck) => check.status === "down" || check.status === "degraded";
const SUMMARIES = { api: "API /health unhealthy", redis: "Redis unreachable" } as const;
const SUMMARY_MAX = 200;
// The next probe never comes sooner than this after one (a window closing just after it).
const MIN_GAP_MS = 50;

/**
 * The fast loop: the API's /health, PostgreSQL and Redis probed every PROBE_SECONDS, apart
 * from the minute-level listings of WATCH_CRON. A verdict that changes is applied by a tick
 * started at once, so the page goes out right after the probe that decided it.
 */
export function createProbeLoop(deps: ProbeLoopDeps) {
  const { checks, clock, logger } = deps;
  const windows = createProbeWindows(deps);
  let held = false;
  const verdicts = () =>
    JSON.stringify({
      api: held ? "held" : windows.verdictOf("api").verdict,
      postgres: windows.verdictOf("postgres").verdict,
      redis: windows.verdictOf("redis").verdict,
    });
  // Nothing decided yet: nothing to apply.
  let applied = verdicts();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  async function round(): Promise<void> {
    const at = clock.now();
    const [api, postgres, redis, apiHeld] = await Promise.all([
      checks.api(),
      checks.postgres(),
      checks.redis(),
      // Unknown is not held: an API down after all pages as usual.
      (deps.apiHeld?.() ?? Promise.resolve(false)).catch(() => false),
    ]);
    const outcomes: [Probed, ComponentCheck][] = [
      ["api", api],
      ["postgres", postgres],
      ["redis", redis],
    ];
    for (const [name, check] of outcomes) {
      windows.record(name, isFailing(check), at, check.error ?? check.status);
    }
    held = apiHeld;
    const pg = windows.verdictOf("postgres");
    // Its own tables cannot take the page: it goes the way that needs no database.
    if (pg.verdict === "down") return deps.pgDown(pg.error ?? "down", pg.since ?? at);
    const now = verdicts();
    if (now !== applied && (await deps.apply())) applied = now;
  }

  function observation(): ProbeObservation {
    const alerts: Alert[] = [];
    const evaluated: Source[] = [];
    for (const name of ["api", "redis"] as const) {
      const { verdict, error } = windows.verdictOf(name);
      if (verdict === "undecided" || (name === "api" && held)) continue;
      evaluated.push(name);
      if (verdict === "down") {
        const why = (error ?? "down").slice(0, SUMMARY_MAX);
        const kind = `${name}_down` as const;
        alerts.push({
          fingerprint: kind,
          kind,
          source: name,
          summary: `${SUMMARIES[name]}: ${why}`,
          facts: { error: why },
        });
      }
    }
    return { alerts, evaluated, postgresUp: windows.verdictOf("postgres").verdict === "up" };
  }

  /** PROBE_SECONDS after the last round began, or sooner when a window closes before that. */
  function delayAfter(startedMs: number): number {
    const due = windows.nextDecisionAt();
    const untilDue = due === undefined ? Infinity : due.getTime() - clock.now().getTime();
    const untilNext = deps.probeMs - (performance.now() - startedMs);
    return Math.max(MIN_GAP_MS, Math.min(untilNext, untilDue));
  }

  async function loop(): Promise<void> {
    const started = performance.now();
    running = round().catch((error: unknown) => logger.warn({ err: error }, "probe round failed"));
    await running;
    running = undefined;
    if (!stopped) timer = setTimeout(() => void loop(), delayAfter(started));
  }

  return {
    /** One round by hand (tests); the loop runs them on its own once started. */
    round,
    observation,
    start(): void {
      stopped = false;
      timer = setTimeout(() => void loop(), 0);
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export type ProbeLoop = ReturnType<typeof createProbeLoop>;
