/**
 * The paging loop: every second, the handover announcement (once per shift across
 * replicas) and the escalation steps due. Each step goes out within about a second of its
 * due time; the clock is injected, so tests move time and call run().
 */
import type { Destination } from "../alerts/routes.js";
import type { Clock } from "../clock.js";
import type { Pool } from "../db/pool.js";
import type { Logger } from "../log/create-logger.js";
import type { Escalator } from "./escalation.js";
import type { OnCallDesk } from "./oncall-desk.js";
import type { Pager } from "./pager.js";
import { claimHandover, countOpenAlerts, releaseHandover } from "./store.js";

export interface PagingLoopDeps {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  pager: Pager;
  desk: OnCallDesk;
  escalation: Escalator;
  /** ALERT_CHAT_ID / ALERT_THREAD_ID: where handovers are announced. */
  alertGroup: Destination;
  /** opsbot's migrations are applied. */
  schemaReady: () => boolean;
  everyMs?: number;
}

export function createPagingLoop(deps: PagingLoopDeps) {
  const { pool, clock, logger, desk } = deps;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  /** The shift that started last is announced once, by whichever replica claims it. */
  async function announceHandover(now: Date): Promise<void> {
    const onCall = await desk.onCallAt(now);
    if (!onCall) return;
    const shiftStart = onCall.rotaShift.since;
    if (!(await claimHandover(pool, shiftStart, onCall.person, now))) return;
    const result = await deps.pager.handover(deps.alertGroup, {
      person: onCall.person,
      until: onCall.until,
      next: onCall.next,
      openAlerts: await countOpenAlerts(pool),
    });
    if (result.ok || result.refused) return;
    logger.warn({ error: result.error }, "handover announcement not sent; will retry");
    await releaseHandover(pool, shiftStart);
  }

  async function pass(): Promise<void> {
    if (!deps.schemaReady()) return;
    const now = clock.now();
    for (const [what, part] of [
      ["handover", announceHandover],
      ["escalation", (at: Date) => deps.escalation.run(at)],
    ] as const) {
      try {
        await part(now);
      } catch (error) {
        logger.warn({ err: error }, `paging loop: ${what} failed`);
      }
    }
  }

  /** One whole pass that starts after this call (one in flight is waited for first). */
  async function run(): Promise<void> {
    while (inFlight) await inFlight;
    inFlight = pass().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    run,
    start(): void {
      timer = setInterval(() => {
        if (!inFlight) void run();
      }, deps.everyMs ?? 1_000);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
  };
}

export type PagingLoop = ReturnType<typeof createPagingLoop>;
