import type { ApiHealth } from "../../checks/probes/api-health.js";
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

const unknownIfMissing = (figures: (number | undefined)[], text: string) =>
  figures.some((f) => f === undefined) ? undefined : text;

/** SSE, Redis pub/sub and DB pool as the API sees them: its /metrics, else its /health. */
function apiFigures(api: ApiHealth): string[] {
  const m = api.metrics ?? {};
  const sse =
    m.sseConnections !== undefined ? `${m.sseConnections} connections` : compactOrNull(api.sse);
  const pubsub =
    unknownIfMissing(
      [m.pubsubChannels, m.pubsubPublishFailed],
      `pub/sub ${m.pubsubChannels} channels, ${m.pubsubPublishFailed} failed publishes`,
    ) ?? compactOrNull(api.redis);
  const pool = unknownIfMissing(
    [m.dbPoolTotal, m.dbPoolIdle, m.dbPoolWaiting],
    `${m.dbPoolTotal} open, ${m.dbPoolIdle} idle, ${m.dbPoolWaiting} waiting`,
  );
  return [
    `SSE ${sse ?? "unknown"}`,
    `Redis (API view) ${pubsub ?? "unknown"}`,
    `DB pool ${pool ?? "unknown"}`,
  ];
}

const compactOrNull = (value: unknown) => (value === undefined ? undefined : compact(value));

function apiLines(api: ApiHealth): string[] {
  const facts = [
    latency(api),
    // An unhealthy answer's status is already in its error.
    api.httpStatus !== undefined && api.httpStatus !== 200 && api.status === "ok"
      ? `HTTP ${api.httpStatus}`
      : undefined,
    api.reported !== undefined ? `status ${compact(api.reported)}` : undefined,
    ...apiFigures(api),
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

/** The LabPics schema in one line, and the watcher's blind checks if any. */
function schemaLines(health: Health): string[] {
  const lines: string[] = [];
  const schema = health.schema;
  if (schema) {
    const mismatch = schema.mismatches.length > 0;
    const gaps = schema.schedulerGaps.length > 0;
    lines.push(
      line("Schema", { status: mismatch || gaps ? "degraded" : "ok" }, [
        schema.shape,
        mismatch ? `schema mismatch: ${schema.mismatches.join(", ")}` : undefined,
        // The bot can read everything, yet LabPics's own scheduler cannot run.
        gaps
          ? `${schema.schedulerGaps.join(", ")} missing: LabPics's scheduler writes it, so every worker tick fails`
          : undefined,
      ]),
    );
  }
  const mock = health.mockConnectors ?? [];
  if (mock.length > 0) {
    // Never a plain ok: a connector on mock data syncs nothing real.
    lines.push(
      line("Connectors", { status: "degraded" }, [
        `${mock.length} in mock mode (sample data, not the service): ${shorten(mock.join(", "), 200)}`,
      ]),
    );
  }
  const blind = health.bot.blindChecks ?? [];
  if (blind.length > 0) {
    const named = blind.map((b) => `${b.check}${b.reason ? ` (${shorten(b.reason, 80)})` : ""}`);
    lines.push(line("Watcher", { status: "degraded" }, [`blind: ${named.join("; ")}`]));
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
    ...schemaLines(health),
    line("Bot", { status: "ok" }, [
      `v${bot.version}`,
      `up ${formatDuration(now.getTime() - bot.startedAt.getTime())}`,
      watcher,
    ]),
  ];
  return fitLines(lines, { header: bold("Health") });
}
