import { fileURLToPath } from "node:url";
import type { App } from "../app.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config/parse-config.js";
import type { Translator } from "../i18n/translator.js";
import { applyShape } from "./demo/labpics-fixtures.js";
import { loadLabpicsDemoData } from "./demo/labpics-shape-demo.js";
import type { Pool } from "../db/pool.js";
import { CONSOLE_BOT, createConsoleFetch } from "./console-bot-api.js";
import { createDemoBackupDir } from "./demo-backups.js";
import {
  CONSOLE_USER,
  createConsoleChat,
  type ConsoleChat,
  type ConsoleIo,
} from "./start-console.js";

export interface ConsoleSession {
  chat: ConsoleChat;
  lang: Translator;
  /** What createApp needs to talk to the terminal instead of Telegram. */
  appDeps: { botInfo: typeof CONSOLE_BOT; fetch: typeof fetch };
  config(config: Config): Config;
}

/** `lang`: BOT_LOCALE's, the language of the banner and of the terminal's own words. */
export function createConsoleSession(
  io: ConsoleIo,
  clock: Clock,
  lang: Translator,
): ConsoleSession {
  const chat = createConsoleChat(io, clock, lang);
  return {
    chat,
    lang,
    appDeps: {
      botInfo: CONSOLE_BOT,
      fetch: createConsoleFetch(clock, (method, params, result) =>
        chat.show(method, params, result),
      ),
    },
    // The person at the terminal is an operator, and alerts come to the terminal.
    // The demo scripts sleep and print, so /deploy can be tried safely. Without a database
    // (the embedded demo) a made-up backup directory stands in for BACKUP_DIR.
    config: (config) => ({
      ...config,
      OPERATOR_IDS: [...config.OPERATOR_IDS, CONSOLE_USER.id],
      ALERT_CHAT_ID: config.ALERT_CHAT_ID ?? CONSOLE_USER.id,
      DEPLOY_SCRIPT:
        config.DEPLOY_SCRIPT ?? fileURLToPath(new URL("../../examples/deploy.sh", import.meta.url)),
      ROLLBACK_SCRIPT:
        config.ROLLBACK_SCRIPT ??
        fileURLToPath(new URL("../../examples/rollback.sh", import.meta.url)),
      BACKUP_DIR:
        config.BACKUP_DIR ??
        (config.DATABASE_URL === undefined ? createDemoBackupDir(clock.now()) : undefined),
    }),
  };
}

/** Runs the chat until EOF. With the embedded database, loads the demo data first. */
export async function runConsole(
  session: ConsoleSession,
  app: App,
  deps: { pool: Pool; clock: Clock; demo: boolean },
): Promise<void> {
  const { chat } = session;
  if (deps.demo) {
    await applyShape(deps.pool, "labpics");
    await loadLabpicsDemoData(deps.pool, deps.clock.now());
    chat.print(session.lang.t("console-demo-banner"));
  }
  await app.start();
  chat.print(session.lang.t("console-banner"));
  // A first look right away rather than at the next cron slot.
  await app.schemaReady();
  await app.watcher.tick();
  await session.chat.run(app.bot);
}
