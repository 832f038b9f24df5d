import type { z } from "zod";
import { envSchema, type Env } from "./schema.js";
import { resolveSecretFiles, type ReadSecretFile } from "./secret-files.js";

export type Mode = "console" | "webhook" | "polling";

export type Config = Env &
  (
    | { mode: "console"; TELEGRAM_BOT_TOKEN: undefined }
    | { mode: "polling"; TELEGRAM_BOT_TOKEN: string }
    | {
        mode: "webhook";
        TELEGRAM_BOT_TOKEN: string;
        WEBHOOK_URL: string;
        TELEGRAM_WEBHOOK_SECRET: string;
      }
  );

/** Thrown with one line that names the variable(s) and the problem, never the value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const modeRules = envSchema.superRefine((env, ctx) => {
  if (env.TELEGRAM_BOT_TOKEN !== undefined && env.DATABASE_URL === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["DATABASE_URL"],
      message: "is required with TELEGRAM_BOT_TOKEN (only the console demo embeds a database)",
    });
  }
  if (env.WEBHOOK_URL !== undefined && env.TELEGRAM_BOT_TOKEN === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["TELEGRAM_BOT_TOKEN"],
      message: "is required when WEBHOOK_URL is set",
    });
  }
  if (env.WEBHOOK_URL !== undefined && env.TELEGRAM_WEBHOOK_SECRET === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["TELEGRAM_WEBHOOK_SECRET"],
      message: "is required in webhook mode (WEBHOOK_URL is set)",
    });
  }
  if (env.METRICS_HOST !== undefined && env.METRICS_PORT === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["METRICS_PORT"],
      message: "is required when METRICS_HOST is set",
    });
  }
  if (env.SENTINEL_URL !== undefined && env.SENTINEL_TOKEN === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["SENTINEL_TOKEN"],
      message: "is required when SENTINEL_URL is set",
    });
  }
  const served = new Set([...env.VIEWER_IDS, ...env.OPERATOR_IDS]);
  const outsiders = env.ONCALL_ROTA.filter((id) => !served.has(id));
  if (outsiders.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["ONCALL_ROTA"],
      message: `must name viewers or operators only (${outsiders.join(", ")} in neither VIEWER_IDS nor OPERATOR_IDS)`,
    });
  }
  if (env.DOWN_AFTER_SECONDS < 2 * env.PROBE_SECONDS) {
    ctx.addIssue({
      code: "custom",
      path: ["DOWN_AFTER_SECONDS"],
      message: "must be at least 2 × PROBE_SECONDS (one failed probe is a blip, not an outage)",
    });
  }
  if (env.AUDIT_RETENTION_DAYS < env.RETENTION_DAYS) {
    ctx.addIssue({
      code: "custom",
      path: ["AUDIT_RETENTION_DAYS"],
      message: "must be at least RETENTION_DAYS (the audit trail is kept longest)",
    });
  }
});

/** `read` reads the files of *_FILE secrets (tests may pass their own). */
export function parseConfig(
  env: Record<string, string | undefined>,
  read?: ReadSecretFile,
): Config {
  const e = parseEnv(modeRules, env, read);
  if (e.TELEGRAM_BOT_TOKEN === undefined)
    return { ...e, mode: "console", TELEGRAM_BOT_TOKEN: undefined };
  if (e.WEBHOOK_URL !== undefined && e.TELEGRAM_WEBHOOK_SECRET !== undefined) {
    return {
      ...e,
      mode: "webhook",
      TELEGRAM_BOT_TOKEN: e.TELEGRAM_BOT_TOKEN,
      WEBHOOK_URL: e.WEBHOOK_URL,
      TELEGRAM_WEBHOOK_SECRET: e.TELEGRAM_WEBHOOK_SECRET,
    };
  }
  return { ...e, mode: "polling", TELEGRAM_BOT_TOKEN: e.TELEGRAM_BOT_TOKEN };
}

/** The *_FILE secrets read, then `schema` applied: one ConfigError naming every problem. */
export function parseEnv<T>(
  schema: z.ZodType<T>,
  env: Record<string, string | undefined>,
  read?: ReadSecretFile,
): T {
  const secretFiles = resolveSecretFiles(env, read);
  if (secretFiles.problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${secretFiles.problems.join("; ")}`);
  }
  const parsed = schema.safeParse(secretFiles.env);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  return parsed.data;
}

export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    // zod's own wording for type errors can quote the input; ours never does.
    const message = issue.code === "invalid_type" ? `must be a ${issue.expected}` : issue.message;
    return `${name} ${message}`;
  });
  return `Invalid configuration: ${parts.join("; ")}`;
}

/** Values that must never appear in a log line, an error reply or a child's environment. */
export function secretsOf(
  config: Partial<
    Pick<
      Env,
      | "TELEGRAM_BOT_TOKEN"
      | "TELEGRAM_WEBHOOK_SECRET"
      | "ALERTMANAGER_TOKEN"
      | "SENTINEL_TOKEN"
      | "DATABASE_URL"
      | "REDIS_URL"
    >
  >,
): string[] {
  // The part after the colon is the token's secret; it can travel on its own.
  const tokenSecret = config.TELEGRAM_BOT_TOKEN?.split(":")[1];
  const secrets = [
    config.TELEGRAM_BOT_TOKEN,
    tokenSecret,
    config.TELEGRAM_WEBHOOK_SECRET,
    config.ALERTMANAGER_TOKEN,
    config.SENTINEL_TOKEN,
  ];
  for (const url of [config.DATABASE_URL, config.REDIS_URL]) {
    if (url === undefined) continue;
    try {
      const parsed = new URL(url);
      // libpq also takes the password as a query parameter.
      for (const password of [
        decodeURIComponent(parsed.password),
        parsed.searchParams.get("password") ?? "",
      ]) {
        if (password !== "") secrets.push(password, url);
      }
    } catch {
      secrets.push(url);
    }
  }
  return secrets.filter((s): s is string => s !== undefined && s.length >= 4);
}
