import { Redis } from "ioredis";

const DEFAULT_URL = "redis://127.0.0.1:6379";

let noticeShown = false;

/**
 * A Redis URL for this test file, emptied first; null when no server is reachable
 * (use `describe.skipIf(!url)`), except under CI=true, where that is an error.
 * Test files running in parallel workers get different logical databases;
 * TEST_REDIS_DB_BASE shifts them, so two test runs on one machine do not share one.
 */
export async function testRedisUrl(): Promise<string | null> {
  const base = process.env.TEST_REDIS_URL ?? DEFAULT_URL;
  const url = new URL(base);
  const baseDb = Number(process.env.TEST_REDIS_DB_BASE ?? 0);
  url.pathname = `/${(baseDb + Number(process.env.VITEST_POOL_ID ?? 1)) % 16}`;

  const redis = new Redis(url.toString(), {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() only rejects with "Connection is closed"; the cause (ECONNREFUSED...) comes here.
  let socketError: Error | undefined;
  redis.on("error", (err: Error) => {
    socketError = err;
  });
  try {
    await redis.connect();
    await redis.ping();
    await redis.flushdb();
    return url.toString();
  } catch (err) {
    const reason = `${redactedUrl(base)}: ${socketError?.message ?? (err instanceof Error ? err.message : String(err))}`;
    if (process.env.CI === "true") {
      throw new Error(`Redis is required under CI=true: ${reason}`, { cause: err });
    }
    if (!noticeShown) {
      noticeShown = true;
      console.warn(`[test-kit] Redis not reachable at ${reason}; Redis tests are skipped`);
    }
    return null;
  } finally {
    redis.disconnect();
  }
}

function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password !== "") u.password = "***";
  return u.toString();
}
