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
