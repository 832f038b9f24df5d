import { severityOf } from "../../alerts/severity.js";
import type { NotificationKind, NotifiedAlert } from "../../alerts/types.js";
import type { Translator } from "../../i18n/translator.js";
import { bold, escapeHtml, fitLines } from "../format/html.js";
import { alertName, criticalFirst, SEVERITY_MARK } from "./alerts.js";

type FlapKind = Extract<NotificationKind, "flapping" | "settled">;
const MARK: Record<FlapKind, string> = { flapping: "〰️", settled: "🔚" };

/**
 * An alert just marked flapping (its changes, its state now), or one that kept one state for
 * an hour (which, for how long): written in the group's language.
 */
export function renderFlapNotification(
  kind: FlapKind,
  alerts: readonly NotifiedAlert[],
  now: Date,
  t: Translator,
  note?: string,
): string {
  const lines = criticalFirst(alerts).map((a) => {
    const state =
      kind === "flapping"
        ? t.t(a.resolvedAt ? "flapping-resolved" : "flapping-firing", {
            changes: a.stateChanges ?? 0,
          })
        : t.t(a.resolvedAt ? "settled-resolved" : "settled-firing", {
            duration: t.duration(now.getTime() - Date.parse(a.resolvedAt ?? a.firingSince)),
          });
    return `• ${SEVERITY_MARK[severityOf(a)]} ${alertName(t, a)} — ${escapeHtml(state)}`;
  });
  return fitLines(lines, {
    lang: t,
    header: `${MARK[kind]} ${bold(t.t(`${kind}-title`, { count: alerts.length }))}\n${escapeHtml(t.t(`${kind}-explain`))}`,
    ...(note !== undefined ? { footer: `\n${note}` } : {}),
  });
}
