import type { IncomingMessage, ServerResponse } from "node:http";
import type { ComponentCheck } from "../checks/status.js";
import type { Metrics } from "../metrics/metrics.js";

export interface HealthzDeps {
  /** Not "ready": 503 with that status, whatever the components say. */
  phase: () => "starting" | "ready" | "stopping";
  /** Component name → check; each must resolve (a failed check reports "down"). */
  checks: Record<string, () => Promise<ComponentCheck>>;
  /** Extra facts about the bot itself: version, uptime, last tick, outbox backlog. */
  facts: () => Promise<Record<string, unknown>>;
  /** No replica finished a watcher tick for 3 intervals: 503 with "tick": "stale". */
  tickStale: () => Promise<boolean>;
}

/**
 * The bot's own liveness and its dependencies. 200 when all are ok; 503 when degraded,
 * while starting (not taking updates yet) and while stopping (a proxy sends traffic elsewhere).
 */
export function createHealthzRoute(deps: HealthzDeps) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const names = Object.keys(deps.checks);
    const [facts, stale, ...results] = await Promise.all([
      deps.facts(),
      deps.tickStale(),
      ...names.map((name) => deps.checks[name]!()),
    ]);
    const components = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const phase = deps.phase();
    const healthy =
      !stale && results.every((r) => r.status === "ok" || r.status === "not_configured");
    const status = phase !== "ready" ? phase : healthy ? "ok" : "degraded";
    const body = { status, ...facts, tick: stale ? "stale" : "ok", components };
    res
      .writeHead(status === "ok" ? 200 : 503, { "content-type": "application/json" })
      .end(JSON.stringify(body));
  };
}

export function createMetricsRoute(metrics: Metrics) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await metrics.registry.metrics();
    res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text);
  };
}
