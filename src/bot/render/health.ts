import type { ApiHealth } from "../../checks/probes/api-health.js";
import type { Health } from "../../checks/create-checks.js";
import type { ComponentCheck } from "../../checks/status.js";
import type { Translator } from "../../i18n/translator.js";
import { bold, escapeHtml, fitLines } from "../format/html.js";
import { STATUS_MARK, shorten } from "../format/table.js";

const latency = (c: ComponentCheck, lang: Translator) =>
  c.latencyMs !== undefined ? lang.t("health-latency", { ms: String(c.latencyMs) }) : undefined;

function line(
  lang: Translator,
  name: string,
  check: ComponentCheck,
  facts: (string | undefined)[],
): string {
  const parts = [lang.t(`status-${check.status}`), ...facts];
  if (check.error) parts.push(shorten(check.error, 120));
  const text = parts.filter((p): p is string => p !== undefined && p !== "").map(escapeHtml);
  return `${STATUS_MARK[check.status]} ${bold(name)} ${text.join(" · ")}`.trimEnd();
}

/** Values of unknown shape, shown compactly rather than dropped. */
function compact(value: unknown, lang: Translator): string {
  if (value === undefined) return lang.t("health-unknown");
  return shorten(typeof value === "string" ? value : JSON.stringify(value), 80);
}

const allKnown = (figures: (number | undefined)[]): figures is number[] =>
  figures.every((f) => f !== undefined);

/** SSE, Redis pub/sub and DB pool as the API sees them: its /metrics, else its /health. */
function apiFigures(api: ApiHealth, lang: Translator): string[] {
  const m = api.metrics ?? {};
  const orNull = (value: unknown) => (value === undefined ? undefined : compact(value, lang));
  const sse =
    m.sseConnections !== undefined
      ? lang.t("health-sse-connections", { n: m.sseConnections })
      : orNull(api.sse);
  const pubsubFigures = [m.pubsubChannels, m.pubsubPublishFailed];
  const pubsub = allKnown(pubsubFigures)
    ? lang.t("health-pubsub", { channels: pubsubFigures[0]!, failed: pubsubFigures[1]! })
    : orNull(api.redis);
  const poolFigures = [m.dbPoolTotal, m.dbPoolIdle, m.dbPoolWaiting];
  const pool = allKnown(poolFigures)
    ? lang.t("health-db-pool-figures", {
        open: poolFigures[0]!,
        idle: poolFigures[1]!,
        waiting: poolFigures[2]!,
      })
    : undefined;
  const unknown = lang.t("health-unknown");
  return [
    lang.t("health-sse", { value: sse ?? unknown }),
    lang.t("health-api-redis", { value: pubsub ?? unknown }),
    lang.t("health-db-pool", { value: pool ?? unknown }),
  ];
}

function apiLines(api: ApiHealth, lang: Translator): string[] {
  const facts = [
    latency(api, lang),
    // An unhealthy answer's status is already in its error.
    api.httpStatus !== undefined && api.httpStatus !== 200 && api.status === "ok"
      ? `HTTP ${api.httpStatus}`
      : undefined,
    api.reported !== undefined
      ? lang.t("health-reported", { status: compact(api.reported, lang) })
      : undefined,
    ...apiFigures(api, lang),
  ];
  const lines = [line(lang, "API", api, facts)];
  const other = Object.entries(api.other);
  if (other.length > 0) {
    const fields = other.map(([k, v]) => `${k}=${compact(v, lang)}`).join(" · ");
    lines.push(`   ${escapeHtml(shorten(fields, 300))}`);
  }
  if (api.received !== undefined && api.status !== "ok") {
    const received = `<code>${escapeHtml(shorten(api.received, 200))}</code>`;
    lines.push(`   ${lang.t("health-received", { body: received })}`);
  }
  return lines;
}

/** The LabPics schema in one line, and the watcher's blind checks if any. */
function schemaLines(health: Health, lang: Translator): string[] {
  const lines: string[] = [];
  const schema = health.schema;
  if (schema) {
    const mismatch = schema.mismatches.length > 0;
    const gaps = schema.schedulerGaps.length > 0;
    lines.push(
      line(lang, lang.t("health-schema"), { status: mismatch || gaps ? "degraded" : "ok" }, [
        schema.shape,
        mismatch
          ? lang.t("health-schema-mismatch", { tables: schema.mismatches.join(", ") })
          : undefined,
        // The bot can read everything, yet LabPics's own scheduler cannot run.
        gaps
          ? lang.t("health-scheduler-gaps", { tables: schema.schedulerGaps.join(", ") })
          : undefined,
      ]),
    );
  }
  const mock = health.mockConnectors ?? [];
  if (mock.length > 0) {
    // Never a plain ok: a connector on mock data syncs nothing real.
    lines.push(
      line(lang, lang.t("health-connectors"), { status: "degraded" }, [
        lang.t("health-mock-connectors", {
          n: mock.length,
          names: shorten(mock.join(", "), 200),
        }),
      ]),
    );
  }
  const blind = health.bot.blindChecks ?? [];
  if (blind.length > 0) {
    const named = blind.map((b) => `${b.check}${b.reason ? ` (${shorten(b.reason, 80)})` : ""}`);
    lines.push(
      line(lang, lang.t("health-watcher"), { status: "degraded" }, [
        lang.t("health-blind", { checks: named.join("; ") }),
      ]),
    );
  }
  return lines;
}

function watcherFact(health: Health, now: Date, lang: Translator): string {
  const { lastTickAt } = health.bot;
  if (lastTickAt === undefined) return lang.t("health-watcher-not-running");
  if (lastTickAt === null) return lang.t("health-watcher-waiting");
  return lang.t("health-watcher-ticked", { age: lang.age(lastTickAt, now) });
}

export function renderHealth(health: Health, now: Date, lang: Translator): string {
  const { postgres, redis, bot } = health;
  const lines = [
    ...apiLines(health.api, lang),
    line(lang, "PostgreSQL", postgres, [
      latency(postgres, lang),
      postgres.connections
        ? lang.t("health-pg-connections", {
            used: String(postgres.connections.used),
            max: String(postgres.connections.max),
          })
        : undefined,
    ]),
    line(lang, "Redis", redis, [
      latency(redis, lang),
      redis.usedMemoryBytes !== undefined
        ? lang.t("health-redis-memory", { size: lang.bytes(redis.usedMemoryBytes) })
        : undefined,
    ]),
    ...schemaLines(health, lang),
    line(lang, lang.t("health-bot"), { status: "ok" }, [
      `v${bot.version}`,
      lang.t("health-uptime", { duration: lang.duration(now.getTime() - bot.startedAt.getTime()) }),
      watcherFact(health, now, lang),
    ]),
  ];
  return fitLines(lines, { header: bold(lang.t("health-title")), lang });
}
