import { fileURLToPath } from "node:url";
import type { App } from "../app.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config/parse-config.js";
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
  /** What createApp needs to talk to the terminal instead of Telegram. */
  appDeps: { botInfo: typeof CONSOLE_BOT; fetch: typeof fetch };
  config(config: Config): Config;
}

export function createConsoleSession(io: ConsoleIo, clock: Clock): ConsoleSession {
  const chat = createConsoleChat(io, clock);
  return {
    chat,
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
    chat.print(
      "DEMO MODE — embedded PostgreSQL with made-up LabPics data in its real shape: three\n" +
        "projects, a stuck worker and process, a suspended, a failed and an overdue job, a failed\n" +
        "and an idle connector. Nothing here is production. Set DATABASE_URL to\n" +
        "read a real database, TELEGRAM_BOT_TOKEN to talk to Telegram.",
    );
  }
  await app.start();
  chat.print("opsbot console — you are an operator. Type /help; type a number to press a button.");
  // A first look right away rather than at the next cron slot.
  await app.schemaReady();
  await app.watcher.tick();
  await session.chat.run(app.bot);
}
