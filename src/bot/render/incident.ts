/** /incident in Telegram HTML: title, opened/closed, alerts, the timeline (cut to fit). */
import type { CurrentIncident } from "../../incidents/incidents-desk.js";
import type { IncidentRecord, TimelineEntry } from "../../incidents/types.js";
import type { Translator } from "../../i18n/translator.js";
import { code, escapeHtml, fitLines, moreNote } from "../format/html.js";

/** How a renderer writes what an entry names: identifiers, and any other text. */
export interface Marks {
  id: (value: string) => string;
  text: (value: string) => string;
}

const HTML_MARKS: Marks = { id: code, text: escapeHtml };
const MAX_ALERTS = 10;

/** The incident's title: its first alert's summary, and how many more alerts it has. */
export function incidentTitle(record: IncidentRecord, t: Translator, marks: Marks): string {
  const [first, ...rest] = record.incident.alerts;
  return t.t("incident-title", {
    // An identifier, not a quantity: never "#1,234".
    number: String(record.incident.number),
    summary: first ? marks.text(first.summary) : "",
    more: rest.length,
  });
}

/** Who an entry names: their name as recorded, else their Telegram id. */
function who(actor: { id?: number; name?: string } | undefined, t: Translator, marks: Marks) {
  if (actor?.name !== undefined) return marks.text(actor.name);
  return actor?.id !== undefined ? t.t("incident-user", { id: String(actor.id) }) : "";
}

/** One timeline entry as a sentence, without its time. */
export function describeEntry(
  entry: TimelineEntry,
  t: Translator,
  marks: Marks,
  timeZone: string,
): string {
  if (entry.type === "action") {
    const action = {
      kind: t.t(`incident-action-${entry.action.kind}`),
      ref: marks.id(entry.action.ref),
    };
    switch (entry.step) {
      case "started":
        return t.t("incident-action-started", {
          ...action,
          who: marks.text(entry.action.requestedBy),
        });
      case "finished":
        return t.t("incident-action-finished", {
          ...action,
          outcome: t.t(`incident-outcome-${entry.outcome ?? "unknown"}`),
        });
      case "verified":
        return t.t(entry.healthy ? "incident-action-healthy" : "incident-action-unhealthy", action);
      case "interrupted":
        return t.t("incident-action-interrupted", action);
    }
  }
  const alert = marks.id(entry.fingerprint);
  switch (entry.event) {
    case "escalated":
      return entry.detail === "group"
        ? t.t("incident-event-escalated-group", { alert })
        : t.t("incident-event-escalated", {
            alert,
            who: who(entry.actor, t, marks),
            target: t.t(`incident-target-${entry.detail === "next" ? "next" : "oncall"}`),
          });
    case "page_refused":
      return t.t("incident-event-page-refused", {
        alert,
        who: who(entry.actor, t, marks),
        error: marks.text(entry.detail ?? ""),
      });
    case "acked":
      return t.t("incident-event-acked", { alert, who: who(entry.actor, t, marks) });
    case "silenced":
      return t.t("incident-event-silenced", {
        alert,
        who: who(entry.actor, t, marks),
        until: entry.detail ? t.dateTime(new Date(entry.detail), timeZone) : "",
      });
    default:
      return t.t(`incident-event-${entry.event}`, { alert });
  }
}

/** Opened at …, open for … / closed at …, after …. */
export function incidentSpan(record: IncidentRecord, t: Translator, timeZone: string): string {
  const { incident, impact } = record;
  const opened = t.t("incident-opened", { at: t.dateTime(incident.openedAt, timeZone) });
  const span = incident.closedAt
    ? t.t("incident-closed", {
        at: t.dateTime(incident.closedAt, timeZone),
        duration: t.duration(impact.openMs),
      })
    : t.t("incident-open-for", { duration: t.duration(impact.openMs) });
  return `${opened} · ${span}`;
}

/** Times in `timeZone` (ONCALL_TZ): the team's clock, as the report's working hours. */
export function renderIncident(record: IncidentRecord, t: Translator, timeZone: string): string {
  const { incident } = record;
  const alerts = incident.alerts.slice(0, MAX_ALERTS).map((a) =>
    t.t(a.resolvedAt ? "incident-alert-resolved" : "incident-alert-firing", {
      alert: code(a.fingerprint),
      summary: escapeHtml(a.summary),
    }),
  );
  if (incident.alerts.length > MAX_ALERTS) {
    alerts.push(moreNote(incident.alerts.length - MAX_ALERTS, t));
  }
  const header = [
    `🚨 <b>${incidentTitle(record, t, HTML_MARKS)}</b>`,
    incidentSpan(record, t, timeZone),
    "",
    `<b>${t.t("incident-alerts", { count: incident.alerts.length })}</b>`,
    ...alerts,
    "",
    `<b>${t.t("incident-timeline", { zone: timeZone })}</b>`,
  ].join("\n");
  const lines = record.timeline.map(
    (e) => `${t.time(e.at, timeZone)} ${describeEntry(e, t, HTML_MARKS, timeZone)}`,
  );
  return fitLines(lines, { header, lang: t });
}

/** /incident without a number: the open incident, else where to look. */
export function renderCurrentIncident(
  current: CurrentIncident,
  t: Translator,
  timeZone: string,
): string {
  if (current.open) return renderIncident(current.open, t, timeZone);
  return current.lastClosed === undefined
    ? t.t("incident-none-ever")
    : t.t("incident-none", { number: String(current.lastClosed) });
}
