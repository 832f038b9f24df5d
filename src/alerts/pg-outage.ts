import type { Redis } from "ioredis";
import type { Logger } from "../log/create-logger.js";
import type { AlertChannel } from "./channel.js";
import type { Destination } from "./outbox-store.js";
import type { AlertState } from "./types.js";

export interface PgOutageDeps {
  channel: AlertChannel;
  logger: Logger;
  downAfterChecks: number;
  destination: Destination;
  redis?: Redis;
  clock: { now(): Date };
}

const FINGERPRINT = "pg_down";
const PAGE_KEY = "opsbot:alert:pg_down";

/**
 * PostgreSQL down is the one alert its own tables cannot hold: it is counted in memory
 * and sent straight away (deduped across replicas through Redis when there is one). When
 * the database is back, the resolved message goes through the outbox like any other.
 */
export function createPgOutage(deps: PgOutageDeps) {
  let failures = 0;
  let since: Date | undefined;
  // Stop trying once one replica paged; only the one that paged sends the resolution.
  let settled = false;
  let paged = false;

  /** Whether this replica should page: first to claim in Redis, or alone without it. */
  const claimPage = async () => {
    if (!deps.redis) return true;
    try {
      return (await deps.redis.set(PAGE_KEY, "1", "EX", 24 * 3600, "NX")) === "OK";
    } catch {
      return true;
    }
  };

  return {
    async failedTick(error: unknown): Promise<void> {
      failures++;
      since ??= deps.clock.now();
      deps.logger.warn({ err: error, failures }, "PostgreSQL unreachable: watcher tick skipped");
      if (settled || failures < deps.downAfterChecks) return;
      settled = true;
      if (!(await claimPage())) return;
      const result = await deps.channel.send({
        outboxId: 0,
        kind: "firing",
        alerts: [
          {
            fingerprint: FINGERPRINT,
            kind: FINGERPRINT,
            summary: `PostgreSQL unreachable: ${error instanceof Error ? error.message : String(error)}`,
            firingSince: since.toISOString(),
          },
        ],
        chatId: deps.destination.chatId,
        ...(deps.destination.threadId !== undefined ? { threadId: deps.destination.threadId } : {}),
      });
      paged = result.ok;
      // Not sent: try again on the next failing tick.
      if (!result.ok) {
        settled = false;
        await deps.redis?.del(PAGE_KEY).catch(() => undefined);
      }
    },
    /** The resolved pg_down to queue once the database answers again, if it was announced. */
    recovered(now: Date): AlertState[] {
      if (!paged || since === undefined) return [];
      return [
        {
          fingerprint: FINGERPRINT,
          kind: FINGERPRINT,
          source: "postgres",
          summary: "PostgreSQL reachable again",
          firingSince: since,
          resolvedAt: now,
          notifiedAt: since,
          queuedAt: null,
        },
      ];
    },
    /** After a good tick: the next outage pages afresh. */
    async reset(): Promise<void> {
      if (paged) await deps.redis?.del(PAGE_KEY).catch(() => undefined);
      failures = 0;
      since = undefined;
      settled = false;
      paged = false;
    },
  };
}
