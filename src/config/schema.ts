import { validate } from "node-cron";
import { z } from "zod";
import { validateRef } from "../executor/ref.js";
import { LOCALES } from "../i18n/locales.js";
import { alertRoutes, runbookUrl } from "./alert-routes.js";
import { escalation, onCallShift, onCallTimeZone } from "./oncall.js";

// Variable names are a contract with operators (.env.example, docs/): never rename one.

const userIdList = z
  .string()
  .trim()
  .default("")
  .transform((raw, ctx) => {
    const ids: number[] = [];
    for (const part of raw.split(",").map((p) => p.trim())) {
      if (part === "") continue;
      if (!/^-?\d{1,20}$/.test(part)) {
        ctx.addIssue({ code: "custom", message: `"${part}" is not a numeric Telegram id` });
        return z.NEVER;
      }
      ids.push(Number(part));
    }
    return ids;
  });

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const chatId = z
  .string()
  .trim()
  .regex(/^-?\d{1,20}$/, "must be a numeric Telegram chat id")
  .transform(Number);

const uuidList = z
  .string()
  .trim()
  .default("")
  .transform((raw, ctx) => {
    const ids = raw
      .split(",")
      .map((p) => p.trim().toLowerCase())
      .filter((p) => p !== "");
    const bad = ids.find((id) => !z.uuid().safeParse(id).success);
    if (bad !== undefined) {
      ctx.addIssue({ code: "custom", message: "must be comma-separated project uuids" });
      return z.NEVER;
    }
    return ids;
  });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

// A secret shared by the bot and its sentinel; too short would be guessable and unredactable.
const sentinelToken = optionalText.pipe(
  z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, "must be 16-256 printable characters without spaces")
    .optional(),
);

const OWN_PATHS = ["/healthz", "/metrics", "/alertmanager"];

export const envSchema = z.object({
  TELEGRAM_BOT_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "does not look like a BotFather token (digits:secret)")
      .optional(),
  ),
  TELEGRAM_API_ROOT: httpUrl
    .default("https://api.telegram.org")
    .transform((u) => u.replace(/\/+$/, "")),
  TELEGRAM_WEBHOOK_SECRET: optionalText.pipe(
    z
      .string()
      // Telegram allows 1-256; a short secret is guessable and too short to redact by value.
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 characters of A-Z a-z 0-9 _ -")
      .optional(),
  ),
  WEBHOOK_URL: optionalText.pipe(
    z.url({ protocol: /^https$/, error: "must be an https URL" }).optional(),
  ),
  WEBHOOK_PATH: z
    .string()
    .trim()
    .regex(/^\/\S*$/, "must start with /")
    // The bot's own endpoints share the listener: a webhook there would shadow one of them.
    .refine((path) => !OWN_PATHS.includes(path), `must not be one of ${OWN_PATHS.join(", ")}`)
    .default("/telegram/webhook"),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  // A second listener for /healthz and /metrics only; the public one then has neither.
  METRICS_HOST: optionalText,
  METRICS_PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, "must be a number")
      .transform(Number)
      .refine((n) => n <= 65535, "must be a port number")
      .optional(),
  ),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string")
      .optional(),
  ),
  REDIS_URL: optionalText.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// URL")
      .optional(),
  ),
  // LabPics's API as its deploy workflow checks it (host port API_PORT, 8080); :3001 is its Grafana.
  API_HEALTH_URL: httpUrl.default("http://127.0.0.1:8080/health"),
  /** Default: API_HEALTH_URL with its path replaced by /metrics (see metricsUrlOf). */
  API_METRICS_URL: optionalText.pipe(httpUrl.optional()),
  PROJECT_IDS: uuidList,
  SCHEDULER_STALL_MINUTES: positiveInt(10),
  ALERT_CHAT_ID: optionalText.pipe(chatId.optional()),
  ALERT_THREAD_ID: optionalText.pipe(chatId.optional()),
  ALERT_ROUTES: alertRoutes,
  RUNBOOK_URL: runbookUrl,
  ALLOWED_CHAT_IDS: userIdList,
  DOWN_AFTER_CHECKS: positiveInt(2),
  // The probe loop of the API, PostgreSQL and Redis (src/alerts/probe-loop.ts), apart from
  // WATCH_CRON; DOWN_AFTER_SECONDS must hold two probes at least (parse-config.ts).
  PROBE_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  DOWN_AFTER_SECONDS: positiveInt(30),
  UP_AFTER_SECONDS: positiveInt(30),
  // Alertmanager's always-firing alert: once seen, its absence pages watchdog_missing.
  WATCHDOG_ALERTNAME: z.string().trim().min(1).default("Watchdog"),
  WATCHDOG_MINUTES: positiveInt(10),
  HEARTBEAT_URL: optionalText.pipe(httpUrl.optional()),
  // The sentinel on another host (src/sentinel/): heartbeats go there after each tick.
  SENTINEL_URL: optionalText.pipe(httpUrl.optional()),
  SENTINEL_TOKEN: sentinelToken,
  PROGRESS_EDIT_SECONDS: positiveInt(5),
  VIEWER_IDS: userIdList,
  OPERATOR_IDS: userIdList,
  WATCH_CRON: z
    .string()
    .trim()
    .default("* * * * *")
    .refine(validate, "is not a valid cron expression (5 fields, or 6 with seconds)"),
  STUCK_AFTER_MINUTES: positiveInt(30),
  JOB_OVERDUE_MINUTES: positiveInt(10),
  SYNC_STALE_MINUTES: positiveInt(120),
  ALERT_REPEAT_MINUTES: positiveInt(240),
  // State changes within an hour that mark an alert flapping (src/alerts/flapping.ts); 0: off.
  // One would mark every alert flapping at its first page.
  FLAP_CHANGES: z.coerce
    .number()
    .int()
    .default(4)
    .refine((n) => n === 0 || (n >= 2 && n <= 100), "must be 0 (off) or 2-100"),
  DEPLOY_SCRIPT: optionalText,
  ROLLBACK_SCRIPT: optionalText,
  // Unset: a bare /deploy asks for HEAD, origin's default branch (LabPics has no `main`).
  DEPLOY_DEFAULT_REF: optionalText.refine(
    (ref) => ref === undefined || validateRef(ref).ok,
    "is not a valid deploy ref (see /deploy's rules)",
  ),
  APPROVAL: z.enum(["self", "other"]).default("self"),
  // What the bot posts in groups; a person's replies follow their own language (src/i18n/).
  BOT_LOCALE: z.enum(LOCALES).default("en"),
  CONFIRM_TTL_SECONDS: positiveInt(120),
  ACTION_TIMEOUT_SECONDS: positiveInt(900),
  VERIFY_SECONDS: positiveInt(120),
  SILENCE_MAX_DAYS: positiveInt(7),
  RETENTION_DAYS: positiveInt(30),
  AUDIT_RETENTION_DAYS: positiveInt(365),
  // Enables POST /alertmanager (src/http/alertmanager.ts). A secret: its _FILE form works and
  // its value is redacted; a short one is guessable and too short to redact by value.
  ALERTMANAGER_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^[\x21-\x7e]{16,256}$/, "must be 16-256 printable characters without spaces")
      .optional(),
  ),
  // Bounds on what Alertmanager may hand opsbot (src/http/alertmanager.ts): a batch, and the
  // firing alerts stored in all, so a storm of 90,000 keeps the bot within its heap.
  ALERTMANAGER_MAX_ALERTS: positiveInt(2000),
  ALERTMANAGER_MAX_FIRING: positiveInt(5000),
  BACKUP_DIR: optionalText,
  BACKUP_MAX_AGE_HOURS: positiveInt(26),
  PG_CONNECTIONS_HIGH_PERCENT: z.coerce.number().int().min(1).max(100).default(80),
  PG_LONG_QUERY_MINUTES: positiveInt(10),
  PG_BLOCKED_MINUTES: positiveInt(5),
  // On call (docs/paging.md): each rota member must be a viewer or an operator (parse-config).
  ONCALL_ROTA: userIdList,
  ONCALL_SHIFT: onCallShift,
  ONCALL_TZ: onCallTimeZone,
  ESCALATION: escalation,
  // The weekly report to ALERT_CHAT_ID, read in ONCALL_TZ; empty: none.
  REPORT_CRON: z
    .string()
    .trim()
    .default("0 10 * * 1")
    .refine(
      (text) => text === "" || validate(text),
      "is not a valid cron expression (5 fields, or 6 with seconds), nor empty",
    )
    .transform((text) => (text === "" ? undefined : text)),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;

/** OPSBOT_MODE: the bot (default), or the sentinel that watches it from another host. */
export const opsbotModeSchema = z.object({
  OPSBOT_MODE: z
    .string()
    .trim()
    .default("bot")
    .pipe(z.enum(["bot", "sentinel"], { error: "must be bot or sentinel" })),
});

export type OpsbotMode = z.infer<typeof opsbotModeSchema>["OPSBOT_MODE"];

/**
 * The sentinel's own variables (OPSBOT_MODE=sentinel): no database, no commands. The
 * on-call variables are accepted as the bot reads them; only the rota's ids are used here.
 */
export const sentinelEnvSchema = z.object({
  TELEGRAM_BOT_TOKEN: envSchema.shape.TELEGRAM_BOT_TOKEN,
  TELEGRAM_API_ROOT: envSchema.shape.TELEGRAM_API_ROOT,
  ALERT_CHAT_ID: envSchema.shape.ALERT_CHAT_ID,
  ALERT_THREAD_ID: envSchema.shape.ALERT_THREAD_ID,
  SENTINEL_TOKEN: sentinelToken,
  SENTINEL_AFTER_SECONDS: positiveInt(180),
  SENTINEL_STATE_FILE: z
    .string()
    .trim()
    .min(1, "must be a file path")
    .default("./sentinel-state.json"),
  HOST: envSchema.shape.HOST,
  PORT: envSchema.shape.PORT,
  ONCALL_ROTA: envSchema.shape.ONCALL_ROTA,
  ONCALL_SHIFT: envSchema.shape.ONCALL_SHIFT,
  ONCALL_TZ: envSchema.shape.ONCALL_TZ,
  LOG_LEVEL: envSchema.shape.LOG_LEVEL,
  BOT_LOCALE: envSchema.shape.BOT_LOCALE,
});

export type SentinelEnv = z.infer<typeof sentinelEnvSchema>;

/** Where the API's Prometheus text is: API_METRICS_URL, else the health URL's origin + /metrics. */
export function metricsUrlOf(env: Pick<Env, "API_HEALTH_URL" | "API_METRICS_URL">): string {
  return env.API_METRICS_URL ?? new URL("/metrics", env.API_HEALTH_URL).toString();
}
