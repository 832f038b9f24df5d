import type { Pool } from "../db/pool.js";
import { loadOpenAlerts, loadSilences, saveSilences } from "./alert-store.js";
import { currentChatId, findNotification, type OutboxRow } from "./outbox-store.js";
import { silenceFor } from "./silences.js";
import type { AlertState, Silence } from "./types.js";

/**
 * Silences every alert a sent notification announced, never shortening a longer silence;
 * returns the message and the end in force, or undefined if there is no such message.
 */
export async function silenceNotification(
  pool: Pool,
  target: { outboxId: number; chatId: number; messageId: number },
  until: Date,
  by: string,
  now: Date,
): Promise<{ row: OutboxRow; until: Date } | undefined> {
  const row = await findNotification(pool, target.outboxId);
  // The button must sit on the very message it was sent with: forged or replayed data is refused.
  if (
    !row ||
    row.messageId !== target.messageId ||
    row.kind === "resolved" ||
    row.chatId === null
  ) {
    return undefined;
  }
  if ((await currentChatId(pool, row.chatId)) !== target.chatId) return undefined;
  const fingerprints = row.alerts.map((a) => a.fingerprint);
  return { row, until: await saveSilences(pool, fingerprints, until, by, now) };
}

export interface FiringView {
  alerts: (AlertState & { silence?: Silence })[];
  silences: Silence[];
}

export async function firingNow(pool: Pool, now: Date): Promise<FiringView> {
  const [alerts, silences] = [await loadOpenAlerts(pool), await loadSilences(pool, now)];
  return {
    alerts: alerts.map((a) => {
      const s = silenceFor(a.fingerprint, silences, now);
      return s ? { ...a, silence: s } : a;
    }),
    silences,
  };
}
