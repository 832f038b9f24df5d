import { run, type RunnerHandle } from "@grammyjs/runner";
import { LONG_POLL_SECONDS } from "../bot/create-bot.js";
import { ALLOWED_UPDATES, withStartupRetry } from "../bot/telegram-setup.js";
import type { Transport, TransportDeps } from "./transport.js";

/** grammY's runner asks Telegram for updates; HTTP serves only /healthz, /metrics and receivers. */
export function createPollingTransport(deps: TransportDeps): Transport {
  const { bot, logger } = deps;
  let runner: RunnerHandle | undefined;
  return {
    listens: true,
    routes: {},
    health: {},
    async start() {
      // Polling cannot work while a webhook is set: keep trying, as for getMe.
      await withStartupRetry("deleteWebhook", () => bot.api.deleteWebhook(), logger, {
        ...deps.retry,
        attempts: Infinity,
        stop: deps.stopRequested,
      });
      if (deps.stopRequested()) return;
      runner = run(bot, {
        runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES], timeout: LONG_POLL_SECONDS } },
      });
      logger.info("long polling started");
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop();
    },
  };
}
