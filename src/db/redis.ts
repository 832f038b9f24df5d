import { Redis } from "ioredis";
import type { Logger } from "../log/create-logger.js";

export type { Redis };

/**
 * Redis is optional. Commands fail fast while it is down (no offline queue) so nothing
 * waits on it; the client keeps reconnecting in the background.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 500, 5_000),
  });
  let lastLogged = 0;
  redis.on("error", (error: Error) => {
    // Reconnect errors repeat every few seconds; one line a minute says enough.
    if (Date.now() - lastLogged < 60_000) return;
    lastLogged = Date.now();
    logger.warn({ err: error }, "redis unavailable; retrying in the background");
  });
  return redis;
}
