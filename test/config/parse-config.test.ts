import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig, secretsOf } from "../../src/config/parse-config.js";
import { createRedactor } from "../../src/log/redact.js";
import { metricsUrlOf } from "../../src/config/schema.js";

const TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const DB = "postgres://opsbot:s3cretpw@db.example:5432/labpics";

function errorOf(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("reads PROJECT_IDS and SCHEDULER_STALL_MINUTES, and derives API_METRICS_URL from the health URL", () => {
    const config = parseConfig({
      API_HEALTH_URL: "http://server:8080/health",
      PROJECT_IDS: " 0B6C3C1E-6A53-4A8E-9D1F-3F1F5A000001 ,0b6c3c1e-6a53-4a8e-9d1f-3f1f5a000002",
    });
    expect(config.PROJECT_IDS).toEqual([
      "0b6c3c1e-6a53-4a8e-9d1f-3f1f5a000001",
      "0b6c3c1e-6a53-4a8e-9d1f-3f1f5a000002",
    ]);
    expect(config.SCHEDULER_STALL_MINUTES).toBe(10);
    expect(metricsUrlOf(config)).toBe("http://server:8080/metrics");
    expect(metricsUrlOf({ ...config, API_METRICS_URL: "http://m:9/x" })).toBe("http://m:9/x");
    expect(parseConfig({}).PROJECT_IDS).toEqual([]);
    expect(errorOf({ PROJECT_IDS: "acme" })).toBe(
      "Invalid configuration: PROJECT_IDS must be comma-separated project uuids",
    );
  });

  it.each(["/healthz", "/metrics", "/alertmanager"])(
    "refuses WEBHOOK_PATH %s, which would shadow the bot's own endpoint",
    (path) => {
      expect(errorOf({ WEBHOOK_PATH: path })).toBe(
        "Invalid configuration: WEBHOOK_PATH must not be one of /healthz, /metrics, /alertmanager",
      );
    },
  );

  it("applies the documented defaults and picks console mode without a token", () => {
    const config = parseConfig({});
    expect(config.mode).toBe("console");
    // Unset: a bare /deploy asks the scripts for origin's default branch.
    expect(config.DEPLOY_DEFAULT_REF).toBeUndefined();
    expect(config).toMatchObject({
      TELEGRAM_API_ROOT: "https://api.telegram.org",
      WEBHOOK_PATH: "/telegram/webhook",
      HOST: "0.0.0.0",
      PORT: 8080,
      API_HEALTH_URL: "http://127.0.0.1:8080/health",
      DOWN_AFTER_CHECKS: 2,
      PROBE_SECONDS: 10,
      DOWN_AFTER_SECONDS: 30,
      UP_AFTER_SECONDS: 30,
      PROGRESS_EDIT_SECONDS: 5,
      WATCH_CRON: "* * * * *",
      STUCK_AFTER_MINUTES: 30,
      JOB_OVERDUE_MINUTES: 10,
      SYNC_STALE_MINUTES: 120,
      ALERT_REPEAT_MINUTES: 240,
      APPROVAL: "self",
      CONFIRM_TTL_SECONDS: 120,
      ACTION_TIMEOUT_SECONDS: 900,
      VERIFY_SECONDS: 120,
      LOG_LEVEL: "info",
      VIEWER_IDS: [],
      OPERATOR_IDS: [],
      ALLOWED_CHAT_IDS: [],
    });
  });

  it("picks polling with a token and webhook with a token and WEBHOOK_URL", () => {
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, DATABASE_URL: DB }).mode).toBe("polling");
    const webhook = parseConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      DATABASE_URL: DB,
      WEBHOOK_URL: "https://ops.example.com/telegram/webhook",
      TELEGRAM_WEBHOOK_SECRET: "abc_DEF-123_ghij",
    });
    expect(webhook.mode).toBe("webhook");
  });

  it("parses id lists, six-field cron and trims the API root", () => {
    const config = parseConfig({
      VIEWER_IDS: " 11, 22 ,",
      OPERATOR_IDS: "33",
      ALLOWED_CHAT_IDS: "-1001234567890",
      WATCH_CRON: "*/5 * * * * *",
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
    });
    expect(config.VIEWER_IDS).toEqual([11, 22]);
    expect(config.OPERATOR_IDS).toEqual([33]);
    expect(config.ALLOWED_CHAT_IDS).toEqual([-1001234567890]);
    expect(config.WATCH_CRON).toBe("*/5 * * * * *");
    expect(config.TELEGRAM_API_ROOT).toBe("http://127.0.0.1:8081");
  });

  it.each([
    [{ PORT: "http" }, "PORT must be a number"],
    [{ PORT: "70000" }, "PORT"],
    [{ WATCH_CRON: "every minute" }, "WATCH_CRON is not a valid cron expression"],
    [{ VIEWER_IDS: "12,alice" }, 'VIEWER_IDS "alice" is not a numeric Telegram id'],
    [{ APPROVAL: "both" }, "APPROVAL"],
    [{ STUCK_AFTER_MINUTES: "0" }, "STUCK_AFTER_MINUTES"],
    [{ HEARTBEAT_URL: "ftp://x" }, "HEARTBEAT_URL must be an http(s) URL"],
    [{ ALERT_CHAT_ID: "@team" }, "ALERT_CHAT_ID must be a numeric Telegram chat id"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ METRICS_PORT: "metrics" }, "METRICS_PORT must be a number"],
    [{ METRICS_HOST: "127.0.0.1" }, "METRICS_PORT is required when METRICS_HOST is set"],
    [{ SILENCE_MAX_DAYS: "0" }, "SILENCE_MAX_DAYS"],
    [{ RETENTION_DAYS: "400" }, "AUDIT_RETENTION_DAYS must be at least RETENTION_DAYS"],
    [{ DEPLOY_DEFAULT_REF: "--upload-pack=x" }, "DEPLOY_DEFAULT_REF is not a valid deploy ref"],
    [{ PROBE_SECONDS: "0" }, "PROBE_SECONDS"],
    [{ PROBE_SECONDS: "61", DOWN_AFTER_SECONDS: "200" }, "PROBE_SECONDS"],
    [{ UP_AFTER_SECONDS: "0" }, "UP_AFTER_SECONDS"],
    [{ PROBE_SECONDS: "20" }, "DOWN_AFTER_SECONDS must be at least 2 × PROBE_SECONDS"],
    [{ DOWN_AFTER_SECONDS: "19" }, "DOWN_AFTER_SECONDS must be at least 2 × PROBE_SECONDS"],
  ])("rejects %j naming the variable", (env, expected) => {
    const message = errorOf(env);
    expect(message).toContain(expected);
    expect(message.split("\n")).toHaveLength(1);
  });

  it("requires the webhook secret, and a valid one, in webhook mode", () => {
    const base = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      DATABASE_URL: DB,
      WEBHOOK_URL: "https://ops.example.com/hook",
    };
    expect(errorOf(base)).toContain("TELEGRAM_WEBHOOK_SECRET is required in webhook mode");
    expect(errorOf({ ...base, TELEGRAM_WEBHOOK_SECRET: "has spaces and more!" })).toContain(
      "TELEGRAM_WEBHOOK_SECRET must be 16-256 characters",
    );
    // Short secrets are guessable, and too short to be redacted by value from logs.
    expect(errorOf({ ...base, TELEGRAM_WEBHOOK_SECRET: "abc" })).toContain(
      "TELEGRAM_WEBHOOK_SECRET must be 16-256 characters",
    );
    expect(
      errorOf({ ...base, WEBHOOK_URL: "http://plain.example/hook", TELEGRAM_WEBHOOK_SECRET: "x" }),
    ).toContain("WEBHOOK_URL must be an https URL");
  });

  it("requires DATABASE_URL outside the console demo", () => {
    expect(errorOf({ TELEGRAM_BOT_TOKEN: TOKEN })).toContain("DATABASE_URL is required");
  });

  it("never echoes a secret value in its error", () => {
    const badToken = "not-a-token-but-secret-looking-value";
    const message = errorOf({
      TELEGRAM_BOT_TOKEN: badToken,
      TELEGRAM_WEBHOOK_SECRET: "bad secret value!",
    });
    expect(message).toContain("TELEGRAM_BOT_TOKEN");
    expect(message).not.toContain(badToken);
    expect(message).not.toContain("bad secret value!");
  });

  it("lists the token, webhook secret and database password as secrets", () => {
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      DATABASE_URL: DB,
      REDIS_URL: "redis://:redispass@cache:6379/0",
      WEBHOOK_URL: "https://ops.example.com/hook",
      TELEGRAM_WEBHOOK_SECRET: "abc_DEF-123_ghij",
    });
    const secrets = secretsOf(config);
    for (const s of [TOKEN, "abc_DEF-123_ghij", "s3cretpw", "redispass"])
      expect(secrets).toContain(s);
  });

  it("lists a database password given as ?password= in the URL as a secret", () => {
    const config = parseConfig({
      DATABASE_URL: "postgres://ops@db:5432/labpics?password=qu3ry-pw",
    });
    expect(secretsOf(config)).toContain("qu3ry-pw");
  });

  it("defaults the silence cap, the retention periods and FLAP_CHANGES, and refuses a FLAP_CHANGES of 1", () => {
    expect(parseConfig({})).toMatchObject({
      SILENCE_MAX_DAYS: 7,
      RETENTION_DAYS: 30,
      AUDIT_RETENTION_DAYS: 365,
      FLAP_CHANGES: 4,
    });
    expect(parseConfig({ FLAP_CHANGES: "0" }).FLAP_CHANGES).toBe(0);
    expect(() => parseConfig({ FLAP_CHANGES: "1" })).toThrow(/FLAP_CHANGES.*0 \(off\) or 2-100/);
  });

  it("schedules the weekly report on Mondays at 10:00 by default; empty turns it off; a bad cron is refused", () => {
    expect(parseConfig({}).REPORT_CRON).toBe("0 10 * * 1");
    expect(parseConfig({ REPORT_CRON: "" }).REPORT_CRON).toBeUndefined();
    expect(parseConfig({ REPORT_CRON: "30 9 * * 5" }).REPORT_CRON).toBe("30 9 * * 5");
    expect(() => parseConfig({ REPORT_CRON: "every monday" })).toThrow(/REPORT_CRON/);
    expect(parseConfig({ METRICS_PORT: "9464" }).METRICS_PORT).toBe(9464);
  });
});

describe("secrets given as files (*_FILE)", () => {
  let dir: string;
  const secretFile = async (name: string, content: string) => {
    const path = join(dir, name);
    await writeFile(path, content, { mode: 0o600 });
    return path;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "opsbot-secrets-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads each secret from its file, dropping one trailing newline", async () => {
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN_FILE: await secretFile("token", `${TOKEN}\n`),
      DATABASE_URL_FILE: await secretFile("db", `${DB}\r\n`),
      REDIS_URL_FILE: await secretFile("redis", "redis://:redispass@cache:6379/0"),
      TELEGRAM_WEBHOOK_SECRET_FILE: await secretFile("secret", "abc_DEF-123_ghi-456\n"),
      ALERTMANAGER_TOKEN_FILE: await secretFile("am", "am-token-from-a-file\n"),
      WEBHOOK_URL: "https://ops.example.com/hook",
    });
    expect(config).toMatchObject({
      mode: "webhook",
      TELEGRAM_BOT_TOKEN: TOKEN,
      DATABASE_URL: DB,
      REDIS_URL: "redis://:redispass@cache:6379/0",
      TELEGRAM_WEBHOOK_SECRET: "abc_DEF-123_ghi-456",
      ALERTMANAGER_TOKEN: "am-token-from-a-file",
    });
    expect(secretsOf(config)).toEqual(
      expect.arrayContaining([
        TOKEN,
        "abc_DEF-123_ghi-456",
        "s3cretpw",
        "redispass",
        "am-token-from-a-file",
      ]),
    );
  });

  it("refuses both forms of one variable, naming it", async () => {
    const message = errorOf({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_BOT_TOKEN_FILE: await secretFile("token-both", TOKEN),
      DATABASE_URL: DB,
    });
    expect(message).toBe(
      "Invalid configuration: TELEGRAM_BOT_TOKEN and TELEGRAM_BOT_TOKEN_FILE are both set: set only one",
    );
    expect(message).not.toContain(TOKEN);
  });

  it("refuses a missing, unreadable or empty file, naming the variable and never a value", async () => {
    const missing = errorOf({ DATABASE_URL_FILE: join(dir, "nope") });
    expect(missing).toContain("DATABASE_URL_FILE could not be read (ENOENT");
    const locked = await secretFile("locked", DB);
    await chmod(locked, 0o000);
    // root reads anything: the refusal is only observable as another user.
    if (process.getuid?.() !== 0) {
      expect(errorOf({ DATABASE_URL_FILE: locked })).toContain(
        "DATABASE_URL_FILE could not be read (EACCES",
      );
    }
    expect(errorOf({ REDIS_URL_FILE: await secretFile("empty", "\n") })).toContain(
      "REDIS_URL_FILE names an empty file",
    );
    expect(errorOf({ DATABASE_URL_FILE: dir })).toContain("DATABASE_URL_FILE could not be read");
  });

  it("keeps an empty plain variable (as .env.example leaves it) from counting as set", async () => {
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN: "",
      TELEGRAM_BOT_TOKEN_FILE: await secretFile("token-only", TOKEN),
      DATABASE_URL: DB,
    });
    expect(config.TELEGRAM_BOT_TOKEN).toBe(TOKEN);
  });
});

describe("secretsOf", () => {
  it("finds a database password given as ?password= and redacts it by value", () => {
    const url = "postgres://opsbot@db.example:5432/labpics?sslmode=require&password=qu3ryPassw0rd";
    const config = parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, DATABASE_URL: url });
    const redact = createRedactor(secretsOf(config));
    expect(redact("auth failed for qu3ryPassw0rd")).toBe("auth failed for [REDACTED]");
    expect(redact(`connecting to ${url}`)).toBe("connecting to [REDACTED]");
  });
});
