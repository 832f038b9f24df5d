import type { Pool } from "../db/pool.js";
import { withTransaction } from "../db/transaction.js";
import {
  eventsOf,
  recordAlertEvents,
  recordSilenced,
  type Person,
} from "../incidents/alert-events.js";
import {
  ackAlerts,
  claimStartedWindows,
  loadAcks,
  loadOpenAlerts,
  loadSilences,
  saveSilences,
  type StartedWindow,
} from "./alert-store.js";
import { currentChatId, findNotification, type OutboxRow } from "./outbox-store.js";
import { silenceFor } from "./silences.js";
import type { AlertState, Silence } from "./types.js";

/** A button press on an alert message: which notification, in which chat and message. */
export interface PressTarget {
  outboxId: number;
  chatId: number;
  messageId: number;
}

/**
 * The firing/repeat notification the button was sent with. The button must sit on that
 * very message, in its chat: forged or replayed data is refused (undefined).
 */
async function announcementAt(pool: Pool, target: PressTarget): Promise<OutboxRow | undefined> {
  const row = await findNotification(pool, target.outboxId);
  if (
    !row ||
    row.messageId !== target.messageId ||
    row.kind === "resolved" ||
    row.chatId === null
  ) {
    return undefined;
  }
  return (await currentChatId(pool, row.chatId)) === target.chatId ? row : undefined;
}

/**
 * Silences the keys for a window, never shortening a longer silence, and records it for
 * each firing alert it covers once in force; returns the window now in force.
 */
export async function silenceKeys(
  pool: Pool,
  keys: readonly string[],
  window: { startsAt: Date; until: Date },
  by: Person,
  now: Date,
): Promise<{ startsAt: Date; until: Date }> {
  return withTransaction(pool, async (tx) => {
    const { inForce, ...span } = await saveSilences(tx, keys, window, by.name, now);
    // A key whose window starts later covers nothing yet: the tick records it at its start.
    await recordSilenced(tx, inForce, { by, until: span.until }, now);
    return span;
  });
}

/**
 * Maintenance windows that started since the last tick: each recorded as silenced, by whom
 * set it, at its start, for the alerts it covers that fire now. Once across replicas.
 */
export async function recordStartedWindows(pool: Pool, now: Date): Promise<void> {
  await withTransaction(pool, async (tx) => {
    // One record per window set together (same start, end and author): its keys at once.
    const sets = new Map<string, StartedWindow[]>();
    for (const w of await claimStartedWindows(tx, now)) {
      const key = `${w.startsAt.getTime()} ${w.until.getTime()} ${w.createdBy}`;
      sets.set(key, [...(sets.get(key) ?? []), w]);
    }
    for (const set of sets.values()) {
      const { startsAt, until, createdBy } = set[0]!;
      const matchers = set.map((w) => w.matcher);
      await recordSilenced(tx, matchers, { by: { name: createdBy }, until }, startsAt);
    }
  });
}

/**
 * Acknowledges the alerts still firing in the episode announced at `announcedAt` and
 * records who acked each; returns how many were acked now (an ack already given stays).
 */
export async function acknowledge(
  pool: Pool,
  fingerprints: readonly string[],
  announcedAt: Date,
  by: Person,
  now: Date,
): Promise<number> {
  return withTransaction(pool, async (tx) => {
    const acked = await ackAlerts(tx, fingerprints, announcedAt, by.name, now);
    await recordAlertEvents(tx, eventsOf(acked, "acked", now, { actor: by }));
    return acked.length;
  });
}

/**
 * Silences every alert a sent notification announced, never shortening a longer silence;
 * returns the message and the end in force, or undefined if there is no such message.
 */
export async function silenceNotification(
  pool: Pool,
  target: PressTarget,
  until: Date,
  by: Person,
  now: Date,
): Promise<{ row: OutboxRow; until: Date } | undefined> {
  const row = await announcementAt(pool, target);
  if (!row) return undefined;
  const fingerprints = row.alerts.map((a) => a.fingerprint);
  const window = await silenceKeys(pool, fingerprints, { startsAt: now, until }, by, now);
  return { row, until: window.until };
}

/**
 * Acknowledges the alerts a sent notification announced that still fire in that episode:
 * they are not repeated until they resolve. Returns the message and how many were acked
 * now, or undefined if there is no such message.
 */
export async function ackNotification(
  pool: Pool,
  target: PressTarget,
  by: Person,
  now: Date,
): Promise<{ row: OutboxRow; acked: number } | undefined> {
  const row = await announcementAt(pool, target);
  if (!row) return undefined;
  const fingerprints = row.alerts.map((a) => a.fingerprint);
  const acked = await acknowledge(pool, fingerprints, row.createdAt, by, now);
  return { row, acked };
}

export interface FiringView {
  alerts: (AlertState & { silence?: Silence; ackedBy?: string })[];
  silences: Silence[];
}

export async function firingNow(pool: Pool, now: Date): Promise<FiringView> {
  const [alerts, silences, acks] = await Promise.all([
    loadOpenAlerts(pool),
    loadSilences(pool, now),
    loadAcks(pool),
  ]);
  return {
    alerts: alerts.map((a) => {
      const silence = silenceFor(a.fingerprint, silences, now);
      const ackedBy = acks.get(a.fingerprint);
      return { ...a, ...(silence ? { silence } : {}), ...(ackedBy ? { ackedBy } : {}) };
    }),
    silences,
  };
}
