import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, secretsOf } from "../../src/config/parse-config.js";
import { opsbotModeOf, parseSentinelConfig } from "../../src/config/parse-sentinel-config.js";

const TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SENTINEL_TOKEN = "s3ntinel-token-0123456789";
const SENTINEL = { TELEGRAM_BOT_TOKEN: TOKEN, ALERT_CHAT_ID: "-1001", SENTINEL_TOKEN };

function errorOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("OPSBOT_MODE", () => {
  it("is the bot by default, or the sentinel; anything else stops start-up naming it", () => {
    expect(opsbotModeOf({})).toBe("bot");
    expect(opsbotModeOf({ OPSBOT_MODE: " sentinel " })).toBe("sentinel");
    expect(errorOf(() => opsbotModeOf({ OPSBOT_MODE: "watchdog" }))).toBe(
      "Invalid configuration: OPSBOT_MODE must be bot or sentinel",
    );
  });
});

describe("the sentinel's configuration", () => {
  it("needs no database and applies the documented defaults", () => {
    const config = parseSentinelConfig(SENTINEL);
    expect(config).toMatchObject({
      ALERT_CHAT_ID: -1001,
      SENTINEL_AFTER_SECONDS: 180,
      SENTINEL_STATE_FILE: "./sentinel-state.json",
      HOST: "0.0.0.0",
      PORT: 8080,
      TELEGRAM_API_ROOT: "https://api.telegram.org",
      ONCALL_ROTA: [],
    });
    expect(secretsOf(config)).toEqual(expect.arrayContaining([TOKEN, SENTINEL_TOKEN]));
  });

  it("names each missing or bad variable in one line", () => {
    expect(errorOf(() => parseSentinelConfig({}))).toBe(
      "Invalid configuration: TELEGRAM_BOT_TOKEN is required in sentinel mode; " +
        "ALERT_CHAT_ID is required in sentinel mode; SENTINEL_TOKEN is required in sentinel mode",
    );
    expect(
      errorOf(() =>
        parseSentinelConfig({
          ...SENTINEL,
          SENTINEL_TOKEN: "short",
          SENTINEL_AFTER_SECONDS: "0",
          ONCALL_ROTA: "42,alice",
        }),
      ),
    ).toMatch(
      /^Invalid configuration: SENTINEL_TOKEN must be 16-256 printable characters without spaces; SENTINEL_AFTER_SECONDS .*; ONCALL_ROTA "alice" is not a numeric Telegram id$/,
    );
  });

  it("reads SENTINEL_TOKEN_FILE, never both forms", () => {
    const files: Record<string, string> = { "/run/secrets/sentinel": `${SENTINEL_TOKEN}\n` };
    const read = (path: string) => files[path]!;
    const { SENTINEL_TOKEN: _inline, ...rest } = SENTINEL;
    expect(
      parseSentinelConfig({ ...rest, SENTINEL_TOKEN_FILE: "/run/secrets/sentinel" }, read)
        .SENTINEL_TOKEN,
    ).toBe(SENTINEL_TOKEN);
    expect(
      errorOf(() =>
        parseSentinelConfig({ ...SENTINEL, SENTINEL_TOKEN_FILE: "/run/secrets/sentinel" }, read),
      ),
    ).toBe(
      "Invalid configuration: SENTINEL_TOKEN and SENTINEL_TOKEN_FILE are both set: set only one",
    );
  });
});

describe("the bot's side of the sentinel", () => {
  it("needs SENTINEL_TOKEN with SENTINEL_URL, and redacts it", () => {
    expect(errorOf(() => parseConfig({ SENTINEL_URL: "https://sentinel.example/heartbeat" }))).toBe(
      "Invalid configuration: SENTINEL_TOKEN is required when SENTINEL_URL is set",
    );
    expect(errorOf(() => parseConfig({ SENTINEL_URL: "ftp://x", SENTINEL_TOKEN }))).toBe(
      "Invalid configuration: SENTINEL_URL must be an http(s) URL",
    );
    const config = parseConfig({
      SENTINEL_URL: "https://sentinel.example/heartbeat",
      SENTINEL_TOKEN,
    });
    expect(secretsOf(config)).toContain(SENTINEL_TOKEN);
  });
});
