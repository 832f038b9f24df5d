import { describeIssues, ConfigError, parseEnv } from "./parse-config.js";
import {
  opsbotModeSchema,
  sentinelEnvSchema,
  type OpsbotMode,
  type SentinelEnv,
} from "./schema.js";
import type { ReadSecretFile } from "./secret-files.js";

export type SentinelConfig = SentinelEnv & {
  TELEGRAM_BOT_TOKEN: string;
  ALERT_CHAT_ID: number;
  SENTINEL_TOKEN: string;
};

/** Which process this is: OPSBOT_MODE, read before anything else. */
export function opsbotModeOf(env: Record<string, string | undefined>): OpsbotMode {
  const parsed = opsbotModeSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  return parsed.data.OPSBOT_MODE;
}

// What the sentinel cannot work without; optional in the schema so each gets its own line.
const REQUIRED = ["TELEGRAM_BOT_TOKEN", "ALERT_CHAT_ID", "SENTINEL_TOKEN"] as const;

const sentinelRules = sentinelEnvSchema.superRefine((env, ctx) => {
  for (const name of REQUIRED) {
    if (env[name] === undefined) {
      ctx.addIssue({ code: "custom", path: [name], message: "is required in sentinel mode" });
    }
  }
});

/** The sentinel's configuration (OPSBOT_MODE=sentinel); `read` reads *_FILE secrets. */
export function parseSentinelConfig(
  env: Record<string, string | undefined>,
  read?: ReadSecretFile,
): SentinelConfig {
  return parseEnv(sentinelRules, env, read) as SentinelConfig;
}
