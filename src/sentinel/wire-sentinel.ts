/** The sentinel's composition root: its parts from its configuration. */
import { createSentinelSender } from "../bot/sentinel-channel.js";
import type { Clock } from "../clock.js";
import type { SentinelConfig } from "../config/parse-sentinel-config.js";
import type { Logger } from "../log/create-logger.js";
import { createSentinel } from "./create-sentinel.js";
import { createStateFile } from "./state-file.js";

export function wireSentinel(config: SentinelConfig, deps: { logger: Logger; clock: Clock }) {
  return createSentinel({
    ...deps,
    stateFile: createStateFile(config.SENTINEL_STATE_FILE),
    sender: createSentinelSender({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
    }),
    token: config.SENTINEL_TOKEN,
    group: { chatId: config.ALERT_CHAT_ID, threadId: config.ALERT_THREAD_ID },
    // Until the rota lands: the first id of ONCALL_ROTA is the person on call.
    whoIsOnCall: () => config.ONCALL_ROTA[0] ?? null,
    afterMs: config.SENTINEL_AFTER_SECONDS * 1000,
    host: config.HOST,
    port: config.PORT,
  });
}
