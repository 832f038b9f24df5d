/**
 * The postmortem of an incident as a Markdown document (incident-N.md): summary, impact,
 * timeline, actions taken and follow-ups to fill in, in the reader's language.
 */
import type { IncidentAction, IncidentRecord } from "../../incidents/types.js";
import type { Translator } from "../../i18n/translator.js";
import { escapeMarkdown, inlineCode } from "../format/markdown.js";
import { describeEntry, incidentTitle, type Marks } from "./incident.js";

const MARKDOWN_MARKS: Marks = { id: inlineCode, text: escapeMarkdown };

export const postmortemFileName = (number: number) => `incident-${number}.md`;

/** Times in `timeZone` (ONCALL_TZ), as /incident shows them. */
export function renderPostmortem(record: IncidentRecord, t: Translator, timeZone: string): string {
  const { incident, impact } = record;
  const duration = (ms: number | null, otherwise: string) =>
    ms === null ? t.t(otherwise) : t.duration(ms);
  const sections = [
    [`# ${incidentTitle(record, t, MARKDOWN_MARKS)}`],
    [
      `## ${t.t("incident-md-summary")}`,
      "",
      `- ${t.t("incident-md-opened", { at: t.dateTime(incident.openedAt, timeZone) })}`,
      `- ${
        incident.closedAt
          ? t.t("incident-md-closed", { at: t.dateTime(incident.closedAt, timeZone) })
          : t.t("incident-md-still-open")
      }`,
      `- ${t.t("incident-alerts", { count: incident.alerts.length })}`,
      ...incident.alerts.map(
        (a) => `  - ${inlineCode(a.fingerprint)}: ${escapeMarkdown(a.summary)}`,
      ),
    ],
    [
      `## ${t.t("incident-md-impact")}`,
      "",
      `- ${t.t("incident-md-open-for", { duration: t.duration(impact.openMs) })}`,
      `- ${t.t("incident-md-first-ack", { duration: duration(impact.firstAckMs, "incident-md-never-acked") })}`,
      `- ${t.t("incident-md-resolve", { duration: duration(impact.resolveMs, "incident-md-not-resolved") })}`,
    ],
    [
      `## ${t.t("incident-md-timeline")}`,
      "",
      `| ${t.t("incident-md-time", { zone: timeZone })} | ${t.t("incident-md-event")} |`,
      "|---|---|",
      ...record.timeline.map(
        (e) => `| ${t.time(e.at, timeZone)} | ${describeEntry(e, t, MARKDOWN_MARKS, timeZone)} |`,
      ),
    ],
    [
      `## ${t.t("incident-md-actions")}`,
      "",
      ...(record.actions.length > 0
        ? record.actions.map((a) => `- ${actionLine(a, t, timeZone)}`)
        : [t.t("incident-md-no-actions")]),
    ],
    [
      `## ${t.t("incident-md-follow-ups")}`,
      "",
      ...["cause", "detection", "prevention", "owner"].map(
        (item) => `- [ ] ${t.t(`incident-md-follow-up-${item}`)}`,
      ),
    ],
  ];
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

function actionLine(action: IncidentAction, t: Translator, timeZone: string): string {
  return t.t("incident-md-action", {
    kind: t.t(`incident-action-${action.kind}`),
    ref: inlineCode(action.ref),
    requestedBy: escapeMarkdown(action.requestedBy),
    confirmedBy: escapeMarkdown(action.confirmedBy ?? "—"),
    state: t.t(`incident-outcome-${action.state}`),
    started: action.startedAt ? t.time(action.startedAt, timeZone) : "—",
    finished: action.finishedAt ? t.time(action.finishedAt, timeZone) : "—",
    zone: timeZone,
  });
}
