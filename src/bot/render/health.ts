import type { ApiHealth } from "../../checks/api-health.js";
import type { Health } from "../../checks/create-checks.js";
import type { ComponentCheck } from "../../checks/status.js";
import { formatAge, formatBytes, formatDuration } from "../format/duration.js";
import { bold, escapeHtml, fitLines } from "../format/html.js";
import { STATUS_MARK, shorten } from "../format/table.js";

const latency = (c: ComponentCheck) =>
  c.latencyMs !== undefined ? `${c.latencyMs} ms` : undefined;

function line(name: string, check: ComponentCheck, facts: (string | undefined)[]): string {
  const parts = [check.status.replace("_", " "), ...facts];
  if (check.error) parts.push(shorten(check.error, 120));
  const text = parts.filter((p): p is string => p !== undefined && p !== "").map(escapeHtml);
  return `${STATUS_MARK[check.status]} ${bold(name)} ${text.join(" · ")}`.trimEnd();
}

/** Values of unknown shape, shown compactly rather than dropped. */
function compact(value: unknown): string {
  if (value === undefined) return "unknown";
  return shorten(typeof value === "string" ? value : JSON.stringify(value), 80);
}

function apiLines(api: ApiHealth): string[] {
  const facts = [
    latency(api),
    // An unhealthy answer's status is already in its error.
    api.httpStatus !== undefined && api.httpStatus !== 200 && api.status === "ok"
      ? `HTTP ${api.httpStatus}`
      : undefined,
    `status ${compact(api.reported)}`,
    `SSE ${compact(api.sse)}`,
    `Redis (API view) ${compact(api.redis)}`,
  ];
  const lines = [line("API", api, facts)];
  const other = Object.entries(api.other);
  if (other.length > 0) {
    lines.push(
      `   ${escapeHtml(shorten(other.map(([k, v]) => `${k}=${compact(v)}`).join(" · "), 300))}`,
    );
  }
  if (api.received !== undefined && api.status !== "ok") {
    lines.push(`   received: <code>${escapeHtml(shorten(api.received, 200))}</code>`);
  }
  return lines;
}

export function renderHealth(health: Health, now: Date): string {
  const { postgres, redis, bot } = health;
  const watcher =
    bot.lastTickAt === undefined
      ? "watcher not running"
      : bot.lastTickAt === null
        ? "watcher waiting for its first tick"
        : `watcher ticked ${formatAge(bot.lastTickAt, now)}`;
  const lines = [
    ...apiLines(health.api),
    line("PostgreSQL", postgres, [
      latency(postgres),
      postgres.connections
        ? `connections ${postgres.connections.used}/${postgres.connections.max}`
        : undefined,
    ]),
    line("Redis", redis, [
      latency(redis),
      redis.usedMemoryBytes !== undefined
        ? `memory ${formatBytes(redis.usedMemoryBytes)}`
        : undefined,
    ]),
    line("Bot", { status: "ok" }, [
      `v${bot.version}`,
      `up ${formatDuration(now.getTime() - bot.startedAt.getTime())}`,
      watcher,
    ]),
  ];
  return fitLines(lines, { header: bold("Health") });
}
