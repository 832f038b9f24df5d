/** The sentinel's composition root: its parts from its configuration. */
import { createSentinelSender } from "../bot/sentinel-channel.js";
import type { Clock } from "../clock.js";
import { createCatalogue } from "../i18n/catalogue.js";
import type { SentinelConfig } from "../config/parse-sentinel-config.js";
import type { Logger } from "../log/create-logger.js";
import { shiftAt } from "../oncall/rota.js";
import { createSentinel } from "./create-sentinel.js";
import { createStateFile } from "./state-file.js";

export function wireSentinel(config: SentinelConfig, deps: { logger: Logger; clock: Clock }) {
  return createSentinel({
    ...deps,
    stateFile: createStateFile(config.SENTINEL_STATE_FILE),
    sender: createSentinelSender({
      lang: createCatalogue().translator(config.BOT_LOCALE),
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
    }),
    token: config.SENTINEL_TOKEN,
    group: { chatId: config.ALERT_CHAT_ID, threadId: config.ALERT_THREAD_ID },
    // The rota alone: a shift taken with /oncall take lives in the database the sentinel has not.
    whoIsOnCall: (now) =>
      config.ONCALL_ROTA.length === 0
        ? null
        : shiftAt(config.ONCALL_ROTA, config.ONCALL_SHIFT, config.ONCALL_TZ, now).person,
    afterMs: config.SENTINEL_AFTER_SECONDS * 1000,
    host: config.HOST,
    port: config.PORT,
  });
}
