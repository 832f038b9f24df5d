/**
 * The alerts domain as features see it: what fires, silences, acks and blind checks, as
 * plain data. The stores behind it stay private to src/alerts/.
 */
import type { Pool } from "../db/pool.js";
import { endSilences, loadBlindChecks, saveSilences, type SilenceSelector } from "./alert-store.js";
import {
  ackNotification,
  firingNow,
  silenceNotification,
  type PressTarget,
} from "./silence-actions.js";

export function createAlertsDesk(pool: Pool) {
  return {
    /** Open alerts with their silence and ack, and the silences in force or scheduled. */
    view: (now: Date) => firingNow(pool, now),
    /** Checks that could not run last tick, and why. */
    blindChecks: () => loadBlindChecks(pool),
    /** Silences keys for a window; returns the window now in force (never shortened). */
    silence: (
      keys: readonly string[],
      window: { startsAt: Date; until: Date },
      by: string,
      now: Date,
    ) => saveSilences(pool, keys, window, by, now),
    /** Ends the selected silences and their scheduled windows; how many keys had one. */
    unsilence: (selector: SilenceSelector, now: Date) => endSilences(pool, selector, now),
    /** The Silence button: silences what the pressed notification announced. */
    silenceNotification: (target: PressTarget, until: Date, by: string, now: Date) =>
      silenceNotification(pool, target, until, by, now),
    /** The Ack button: acknowledges what the pressed notification announced. */
    ack: (target: PressTarget, by: string, now: Date) => ackNotification(pool, target, by, now),
  };
}

export type AlertsDesk = ReturnType<typeof createAlertsDesk>;
