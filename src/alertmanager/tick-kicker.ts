import { randomUUID } from "node:crypto";
import type { TickOutcome } from "../alerts/watcher.js";
import type { Logger } from "../log/create-logger.js";

export interface TickKickerOptions {
  tick: (tickKey: string) => Promise<TickOutcome>;
  logger: Logger;
  /** Batches arriving within this long share one tick. */
  delayMs?: number;
  /** A skipped tick (one in flight may have read the alerts before they were stored) is tried again this often. */
  retries?: number;
}

/**
 * Runs a watcher tick shortly after Alertmanager's alerts are stored, so they are delivered
 * in about a second instead of at the next scheduled tick. Best effort: if every try is
 * skipped (another replica holds the watcher), the next scheduled tick delivers them.
 */
export function createTickKicker(options: TickKickerOptions) {
  const delayMs = options.delayMs ?? 500;
  const retries = options.retries ?? 5;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const schedule = (triesLeft: number) => {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      options
        .tick(`kick:${randomUUID()}`)
        .then((outcome) => {
          if (outcome === "skipped" && triesLeft > 0) schedule(triesLeft - 1);
        })
        .catch((error: unknown) =>
          options.logger.warn({ err: error }, "watcher tick after Alertmanager alerts failed"),
        );
    }, delayMs);
  };

  return {
    kick: () => schedule(retries),
    /** No tick is started after this. */
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

export type TickKicker = ReturnType<typeof createTickKicker>;
