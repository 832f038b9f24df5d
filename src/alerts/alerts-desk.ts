/**
 * The alerts domain as features see it: what fires, silences, acks and blind checks, as
 * plain data. The stores behind it stay private to src/alerts/.
 */
import type { Pool } from "../db/pool.js";
import type { Person } from "../incidents/alert-events.js";
import { endSilences, loadBlindChecks, type SilenceSelector } from "./alert-store.js";
import type { OutboxRow } from "./outbox-store.js";
import {
  ackNotification,
  firingNow,
  silenceKeys,
  silenceNotification,
  type FiringView,
  type PressTarget,
} from "./silence-actions.js";

/** A silence's window: it starts at `startsAt` (later than now: a maintenance window). */
export interface SilenceWindow {
  startsAt: Date;
  until: Date;
}

export interface AlertsDesk {
  /** Open alerts with their silence and ack, and the silences in force or scheduled. */
  view: (now: Date) => Promise<FiringView>;
  /** Checks that could not run last tick, and why. */
  blindChecks: () => Promise<{ check: string; reason: string | null }[]>;
  /** Silences keys for a window; returns the window now in force (never shortened). */
  silence: (
    keys: readonly string[],
    window: SilenceWindow,
    by: Person,
    now: Date,
  ) => Promise<SilenceWindow>;
  /** Ends the selected silences and their scheduled windows; how many keys had one. */
  unsilence: (selector: SilenceSelector, now: Date) => Promise<number>;
  /** The Silence button: silences what the pressed notification announced. */
  silenceNotification: (
    target: PressTarget,
    until: Date,
    by: Person,
    now: Date,
  ) => Promise<{ row: OutboxRow; until: Date } | undefined>;
  /** The Ack button: acknowledges what the pressed notification announced. */
  ack: (
    target: PressTarget,
    by: Person,
    now: Date,
  ) => Promise<{ row: OutboxRow; acked: number } | undefined>;
}

export function createAlertsDesk(pool: Pool): AlertsDesk {
  return {
    view: (now) => firingNow(pool, now),
    blindChecks: () => loadBlindChecks(pool),
    silence: (keys, window, by, now) => silenceKeys(pool, keys, window, by, now),
    unsilence: (selector, now) => endSilences(pool, selector, now),
    silenceNotification: (target, until, by, now) =>
      silenceNotification(pool, target, until, by, now),
    ack: (target, by, now) => ackNotification(pool, target, by, now),
  };
}
