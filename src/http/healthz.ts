import type { IncomingMessage, ServerResponse } from "node:http";
import type { ComponentCheck } from "../checks/status.js";
import type { Metrics } from "./metrics.js";

export interface HealthzDeps {
  /** Component name → check; each must resolve (a failed check reports "down"). */
  checks: Record<string, () => Promise<ComponentCheck>>;
  /** Extra facts about the bot itself: version, uptime, last tick, outbox backlog. */
  facts: () => Promise<Record<string, unknown>>;
}

/** The bot's own liveness and its dependencies. 200 when all are ok, 503 when degraded. */
export function createHealthzRoute(deps: HealthzDeps) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const names = Object.keys(deps.checks);
    const [facts, ...results] = await Promise.all([
      deps.facts(),
      ...names.map((name) => deps.checks[name]!()),
    ]);
    const components = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const healthy = results.every((r) => r.status === "ok" || r.status === "not_configured");
    const body = { status: healthy ? "ok" : "degraded", ...facts, components };
    res
      .writeHead(healthy ? 200 : 503, { "content-type": "application/json" })
      .end(JSON.stringify(body));
  };
}

export function createMetricsRoute(metrics: Metrics) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await metrics.registry.metrics();
    res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text);
  };
}
