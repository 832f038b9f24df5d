import type { Redis } from "ioredis";
import type { Logger } from "../log/create-logger.js";
import type { NotifierFor } from "./notifier.js";
import { destinationOf, type Routing } from "./routes.js";
import type { AlertState, NotifiedAlert } from "./types.js";

export interface PgOutageDeps {
  notifierFor: NotifierFor;
  logger: Logger;
  routing: Routing;
  redis?: Redis;
  clock: { now(): Date };
}

const FINGERPRINT = "pg_down";

// Holds when the paged outage began; whichever replica ticks first afterwards resolves it.
const PAGE_KEY = "opsbot:alert:pg_down";
const PAGE_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The page of an outage that has ended, for the record, which could not be written while it
 * lasted: it opens (or joins) the incident of its time, and its resolution closes it.
 */
export function outagePage(resolved: AlertState): { alerts: NotifiedAlert[]; at: Date } {
  return {
    alerts: [
      {
        fingerprint: resolved.fingerprint,
        kind: resolved.kind,
        summary: "PostgreSQL unreachable",
        firingSince: resolved.firingSince.toISOString(),
      },
    ],
    at: resolved.notifiedAt ?? resolved.firingSince,
  };
}

/**
 * PostgreSQL down is the one alert its own tables cannot hold. The probe loop decides it
 * (src/alerts/probe-loop.ts) and it is sent straight away; with Redis, the page is claimed
 * there (one replica pages) and remembered there (a restarted replica still resolves it).
 * Once the database has answered for UP_AFTER_SECONDS, the resolved message goes through
 * the outbox like any other.
 */
export function createPgOutage(deps: PgOutageDeps) {
  let since: Date | undefined;
  // This outage was handled (paged, or left to the replica that did).
  let settled = false;
  // Paged without Redis: only this process knows.
  let pagedInMemory = false;

  /** true: page; false: another replica did. undefined: no Redis to ask. */
  const claim = async (at: Date): Promise<boolean | undefined> => {
    if (!deps.redis) return undefined;
    try {
      return (
        (await deps.redis.set(PAGE_KEY, at.toISOString(), "EX", PAGE_TTL_SECONDS, "NX")) === "OK"
      );
    } catch {
      return undefined;
    }
  };

  return {
    /** Down for DOWN_AFTER_SECONDS since `downSince`: paged once per outage. */
    async down(error: string, downSince: Date): Promise<void> {
      if (settled) return;
      settled = true;
      since = downSince;
      const claimed = await claim(since);
      if (claimed === false) return;
      const to = destinationOf({ fingerprint: FINGERPRINT, kind: FINGERPRINT }, deps.routing);
      const result = await deps.notifierFor(to).send({
        outboxId: 0,
        kind: "firing",
        alerts: [
          {
            fingerprint: FINGERPRINT,
            kind: FINGERPRINT,
            summary: `PostgreSQL unreachable: ${error}`,
            facts: { case: "down", error },
            firingSince: since.toISOString(),
          },
        ],
      });
      if (result.ok) {
        pagedInMemory = claimed === undefined;
        return;
      }
      // Not sent: try again after the next failing probe.
      settled = false;
      if (claimed) await deps.redis?.del(PAGE_KEY).catch(() => undefined);
    },

    /** Up for UP_AFTER_SECONDS: the resolved pg_down to queue, if an outage was paged. */
    async recovered(now: Date): Promise<AlertState[]> {
      let pagedSince = pagedInMemory ? since : undefined;
      if (deps.redis) {
        const stored = await deps.redis.getdel(PAGE_KEY).catch(() => null);
        if (stored) pagedSince = new Date(stored);
      }
      since = undefined;
      settled = false;
      pagedInMemory = false;
      if (pagedSince === undefined) return [];
      return [
        {
          fingerprint: FINGERPRINT,
          kind: FINGERPRINT,
          source: "postgres",
          summary: "PostgreSQL reachable again",
          facts: { case: "up" },
          firingSince: pagedSince,
          resolvedAt: now,
          notifiedAt: pagedSince,
          queuedAt: null,
        },
      ];
    },
  };
}
