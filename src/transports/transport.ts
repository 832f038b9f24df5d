import type { Bot } from "grammy";
import type { BotContext } from "../bot/context.js";
import type { RetryOptions } from "../bot/telegram-setup.js";
import type { ComponentCheck } from "../checks/status.js";
import type { RouteHandler } from "../http/server.js";
import type { Logger } from "../log/create-logger.js";
import type { Metrics } from "../metrics/metrics.js";

/** How updates reach the bot: a webhook, long polling or the terminal. */
export interface Transport {
  /** false: no HTTP listener at all (the console owns the process). */
  listens: boolean;
  /** Routes it adds to the public listener. */
  routes: Record<string, RouteHandler>;
  /** /healthz components of its own. */
  health: Record<string, () => Promise<ComponentCheck>>;
  /** Starts taking updates; called once the schema is migrated and the bot knows who it is. */
  start(): Promise<void>;
  /** Stops taking updates; the first step of shutting down. */
  stop(): Promise<void>;
}

export interface TransportDeps {
  bot: Bot<BotContext>;
  logger: Logger;
  metrics: Metrics;
  /** Retries of the start-up calls to Telegram. */
  retry: RetryOptions;
  stopRequested: () => boolean;
  /** Why updates are refused now ("starting", "shutting down"); undefined while taking them. */
  refusal: () => string | undefined;
}
