/**
 * On call as features and the paging loop see it: who is on call now (the rota, or an
 * override taken with /oncall take), taking a shift, and the Ack of a private page.
 */
import { currentChatId, findNotification, type OutboxRow } from "../alerts/outbox-store.js";
import { acknowledge } from "../alerts/silence-actions.js";
import type { Pool } from "../db/pool.js";
import type { Person } from "../incidents/alert-events.js";
import { shiftAt, type ShiftSpec } from "./rota.js";
import { overrideAt, saveOverride, sentStep, type Override } from "./store.js";

export interface RotaSettings {
  rota: readonly number[];
  shift: ShiftSpec;
  tz: string;
}

export interface OnCallNow {
  person: number;
  until: Date;
  /** Who is on call from `until`. */
  next: number;
  /** The rota's shift as it stands, override or not. */
  rotaShift: { person: number; since: Date; until: Date };
  override?: Override;
}

export function createOnCallDesk(pool: Pool, settings: RotaSettings) {
  const { rota, shift, tz } = settings;

  /** Who is on call at `at`; undefined without a rota. */
  async function onCallAt(at: Date): Promise<OnCallNow | undefined> {
    if (rota.length === 0) return undefined;
    const rotaShift = shiftAt(rota, shift, tz, at);
    const override = await overrideAt(pool, at);
    if (!override) {
      return { person: rotaShift.person, until: rotaShift.until, next: rotaShift.next, rotaShift };
    }
    return {
      person: override.userId,
      until: override.until,
      next: shiftAt(rota, shift, tz, override.until).person,
      rotaShift,
      override,
    };
  }

  return {
    rotaSettings: settings,
    onCallAt,
    /** The sender is on call from now until `until` (default: the rota's next handover). */
    async take(
      who: { id: number; name: string },
      durationMs: number | undefined,
      now: Date,
    ): Promise<OnCallNow | undefined> {
      if (rota.length === 0) return undefined;
      const until =
        durationMs === undefined
          ? shiftAt(rota, shift, tz, now).until
          : new Date(now.getTime() + durationMs);
      await saveOverride(pool, who, { startsAt: now, until });
      return onCallAt(now);
    },
    /**
     * The Ack button of a private page, pressed on that very message: acknowledges what
     * the page's group message announced, as its own Ack button would. Undefined for a
     * forged or unknown press; "refused" when `mayAck` refuses whom it was sent to.
     */
    async ackPage(
      press: { stepId: number; chatId: number; messageId: number },
      by: Person,
      now: Date,
      mayAck: (pagedTo: number | null) => boolean,
    ): Promise<
      { row: OutboxRow; groupChatId: number | undefined; acked: number } | "refused" | undefined
    > {
      const step = await sentStep(pool, press.stepId);
      if (!step || step.chatId !== press.chatId || step.messageId !== press.messageId) {
        return undefined;
      }
      if (!mayAck(step.recipient)) return "refused";
      const row = await findNotification(pool, step.outboxId);
      if (!row) return undefined;
      const fingerprints = row.alerts.map((a) => a.fingerprint);
      const acked = await acknowledge(pool, fingerprints, row.createdAt, by, now);
      const groupChatId = row.chatId === null ? undefined : await currentChatId(pool, row.chatId);
      return { row, groupChatId, acked };
    },
  };
}

export type OnCallDesk = ReturnType<typeof createOnCallDesk>;
