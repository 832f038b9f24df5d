/**
 * Buttons of guarded actions carry only the action id (a UUID: 43 bytes in all, under
 * Telegram's 64). Everything else is looked up, and checked, at press time.
 */
const VERBS = { confirm: "ok", cancel: "no", rollback: "rb" } as const;
export type ActionVerb = keyof typeof VERBS;

export const actionButton = (verb: ActionVerb, id: string) => `act:${VERBS[verb]}:${id}`;

export const ACTION_BUTTON =
  /^act:(ok|no|rb):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function parseActionButton(data: string): { verb: ActionVerb; id: string } | undefined {
  const match = ACTION_BUTTON.exec(data);
  if (!match) return undefined;
  const verb = (Object.keys(VERBS) as ActionVerb[]).find((v) => VERBS[v] === match[1]);
  return verb && match[2] ? { verb, id: match[2] } : undefined;
}

/**
 * Buttons under alert messages carry the outbox row id and the choice only (at most 22
 * bytes): the press is checked against the stored message it sits on.
 */
export const SILENCE_CHOICES = { "1h": 3_600_000, "24h": 86_400_000 } as const;
export type SilenceChoice = keyof typeof SILENCE_CHOICES;

export const silenceButton = (outboxId: number, choice: SilenceChoice) =>
  `sil:${outboxId}:${choice}`;
export const ackButton = (outboxId: number) => `ack:${outboxId}`;

export const SILENCE_BUTTON = /^sil:(\d{1,15}):(1h|24h)$/;
export const ACK_BUTTON = /^ack:(\d{1,15})$/;

export type AlertButton =
  | { action: "silence"; outboxId: number; choice: SilenceChoice }
  | { action: "ack"; outboxId: number };

export function parseAlertButton(data: string): AlertButton | undefined {
  const silence = SILENCE_BUTTON.exec(data);
  if (silence) {
    return {
      action: "silence",
      outboxId: Number(silence[1]),
      choice: silence[2] as SilenceChoice,
    };
  }
  const ack = ACK_BUTTON.exec(data);
  return ack ? { action: "ack", outboxId: Number(ack[1]) } : undefined;
}

/** The Ack button of a private page: the escalation step's id, checked against its message. */
export const pageAckButton = (stepId: number) => `page:${stepId}`;
export const PAGE_ACK_BUTTON = /^page:(\d{1,15})$/;

/** The Postmortem button under /incident: the incident's number (at most 22 bytes). */
export const postmortemButton = (number: number) => `inc:md:${number}`;
export const POSTMORTEM_BUTTON = /^inc:md:(\d{1,15})$/;
