import type { Logger } from "../log/create-logger.js";
import { migrate } from "./migrate.js";
import type { Pool } from "./pool.js";

export interface SchemaState {
  isReady(): boolean;
  /** Settles once migrations are applied, or when stop() ends the retrying. */
  ready: Promise<void>;
  stop(): void;
}

/**
 * Start-up never fails because PostgreSQL is down: migrations are retried in the
 * background with backoff, and everything that needs the schema reports it missing.
 */
export function keepMigrating(pool: Pool, logger: Logger, maxDelayMs = 30_000): SchemaState {
  let ready = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const run = async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const { applied } = await migrate(pool);
        ready = true;
        logger.info({ applied }, "database schema ready");
        return;
      } catch (error) {
        const delay = Math.min(1_000 * 2 ** (attempt - 1), maxDelayMs);
        logger.warn(
          { err: error, retryInMs: delay },
          "database unavailable; will retry migrations",
        );
        await sleep(delay);
      }
    }
  };
  const done = run();

  return {
    isReady: () => ready,
    ready: done,
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
    },
  };
}
