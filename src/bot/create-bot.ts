/**
 * The bot and its middleware, in this order (after per-chat sequencing, when given):
 *   1. trackUpdates  child logger per update, update/command counters, duration
 *   2. language      ctx.lang: the sender's language, which every answer is written in
 *   3. hygiene       channel posts, edits, bots, forwards…: dropped, no answer
 *   4. dedup         a redelivered update_id runs once
 *   5. auth          the caller's role by user id; whether this chat is served
 *   6. boundary      a feature's error is logged and answered, never escapes
 *   7. features      chat migrations and /whoami everywhere; the rest (/language too) only in
 *                    served chats
 *   8. unhandled     a hint for commands nobody handled; every button press answered
 */
import { Api, Bot, type BotError, type Composer, type MiddlewareFn } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { UpdateDedup } from "../db/update-dedup.js";
import type { Languages } from "../i18n/languages.js";
import { LOCALES } from "../i18n/locales.js";
import type { Translator } from "../i18n/translator.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../log/create-logger.js";
import type { Redactor } from "../log/redact.js";
import { installApiGuards, type CallRecorder } from "./api-guards.js";
import { htmlToPlain, truncateText } from "./format/html.js";
import { isDatabaseError, renderDatabaseError } from "./render/unavailable.js";
import { BusyError } from "../checks/heavy-queries.js";
import { COMMANDS } from "./commands.js";
import type { BotContext } from "./context.js";
import { chatMigrationFeature, type ChatMigrations } from "./features/chat-migration.js";
import { languageFeature } from "./features/language.js";
import { startFeature } from "./features/start.js";
import { unhandledFeature } from "./features/unhandled.js";
import { whoamiFeature } from "./features/whoami.js";
import { authenticate } from "./middleware/auth.js";
import { dedup } from "./middleware/dedup.js";
import { hygiene } from "./middleware/hygiene.js";
import { language } from "./middleware/language.js";
import { trackUpdates } from "./middleware/track-updates.js";
import type { AccessLists } from "./roles.js";

export interface BotDeps {
  token: string;
  apiRoot: string;
  access: AccessLists;
  languages: Languages;
  logger: Logger;
  metrics: Metrics;
  dedup: UpdateDedup;
  /** Groups that became supergroups: the new chat is served as the old one was. */
  chatMigrations: ChatMigrations;
  redact: Redactor;
  /** The app's waits (before retrying a reply after Telegram's 5xx). */
  sleep: (ms: number) => Promise<void>;
  /** Told whether each Bot API call got through (the paging path's health). */
  recorder?: CallRecorder;
  /** Preset to skip getMe (console mode, tests); otherwise init() fetches it. */
  botInfo?: UserFromGetMe;
  /** Replaces the HTTP client (the console transport answers API calls itself). */
  fetch?: typeof fetch;
  /** Runs before everything else: per-chat sequencing, so one chat's updates run in order. */
  sequencer?: MiddlewareFn<BotContext>;
  /** Feature composers, mounted in served chats before the unhandled-update answers. */
  features?: Composer<BotContext>[];
}

// grammY waits 500 s for an answer by default: one hung request would hold a webhook
// request, a watcher tick or a shutdown that long. Long polling waits LONG_POLL_SECONDS.
const API_TIMEOUT_SECONDS = 10;
export const LONG_POLL_SECONDS = 5;

function clientOptions(deps: { apiRoot: string; fetch?: typeof fetch }) {
  return {
    apiRoot: deps.apiRoot,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    timeoutSeconds: API_TIMEOUT_SECONDS,
    // Network errors must not carry the token in the URL into our logs.
    sensitiveLogs: false,
  };
}

export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    botInfo: deps.botInfo,
    client: clientOptions(deps),
  });
  installApiGuards(bot.api, {
    metrics: deps.metrics,
    logger: deps.logger,
    inlineRetry: { maxDelaySeconds: 5, sleep: deps.sleep },
    redact: deps.redact,
    ...(deps.recorder ? { recorder: deps.recorder } : {}),
  });

  if (deps.sequencer) bot.use(deps.sequencer);
  bot.use(trackUpdates(deps.logger, deps.metrics));
  bot.use(language(deps.languages, deps.access));
  bot.use(hygiene());
  bot.use(dedup(deps.dedup, deps.metrics));
  bot.use(authenticate(deps.access, deps.chatMigrations));

  const guarded = bot.errorBoundary((error) => onFeatureError(error, deps.metrics));
  guarded.use(chatMigrationFeature(deps.chatMigrations), whoamiFeature());
  const served = guarded.filter((ctx) => ctx.chatServed);
  served.use(startFeature(), languageFeature(deps.languages), ...(deps.features ?? []));
  guarded.use(unhandledFeature());
  // Polling mode's runner reports what escapes the middleware here, not to console.error.
  bot.catch((error) => deps.logger.error({ err: error.error }, "update failed"));
  return bot;
}

/**
 * A feature failed. A database failure gets the one line that says so (the bot keeps
 * answering while PostgreSQL is down), a heavy command past its queue "busy, try again";
 * anything else a short apology with the update id.
 */
async function onFeatureError(error: BotError<BotContext>, metrics: Metrics): Promise<void> {
  const ctx = error.ctx;
  const busy = error.error instanceof BusyError;
  // Busy is not the database's fault, but it is answered the same way: one line, always.
  const database = busy || isDatabaseError(error.error);
  metrics.errors.inc({ kind: busy ? "busy" : database ? "database" : "handler" });
  if (busy) ctx.log.info("too many heavy queries at once: asked to try again");
  else if (database) ctx.log.warn({ err: error.error }, "handler could not reach the database");
  else ctx.log.error({ err: error.error }, "handler failed");
  const text = busy
    ? ctx.lang.t("error-busy")
    : database
      ? renderDatabaseError(error.error, ctx.lang)
      : ctx.lang.t("error-handler", { updateId: String(ctx.update.update_id) });
  if (ctx.callbackQuery !== undefined && !ctx.callbackAnswered()) {
    await ctx
      .answerCallbackQuery({ text: truncateText(htmlToPlain(text), 200) })
      .catch(() => undefined);
  }
  if (ctx.chat !== undefined && (ctx.message !== undefined || database)) {
    await ctx.reply(text, { parse_mode: "HTML" }).catch(() => undefined);
  }
}

/** A Bot API client that does not retry: for the alert outbox, which schedules its own. */
export function createOutboxApi(deps: {
  token: string;
  apiRoot: string;
  fetch?: typeof fetch;
  logger: Logger;
  metrics: Metrics;
  redact: Redactor;
  recorder?: CallRecorder;
}): Api {
  const api = new Api(deps.token, clientOptions(deps));
  installApiGuards(api, deps);
  return api;
}

/** The command menu: BOT_LOCALE's by default, and each language's for its speakers. */
export async function registerCommands(bot: Bot<BotContext>, languages: Languages): Promise<void> {
  const menu = (lang: Translator) =>
    COMMANDS.map(({ command }) => ({ command, description: lang.t(`command-${command}`) }));
  await bot.api.setMyCommands(menu(languages.group));
  for (const locale of LOCALES) {
    await bot.api.setMyCommands(menu(languages.translator(locale)), { language_code: locale });
  }
}
