import type { NotificationKind, NotifiedAlert } from "../../alerts/types.js";
import type { Translator } from "../../i18n/translator.js";
import { renderNotification } from "./alerts.js";
import { renderFlapNotification } from "./flapping.js";

/** Any outbox message as sent, or as edited later (silenced, acked): `t` is the group's. */
export function renderOutboxMessage(
  kind: NotificationKind,
  alerts: readonly NotifiedAlert[],
  now: Date,
  t: Translator,
  note?: string,
): string {
  return kind === "flapping" || kind === "settled"
    ? renderFlapNotification(kind, alerts, now, t, note)
    : renderNotification(t, kind, alerts, now, note);
}
