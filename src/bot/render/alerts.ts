import { severityOf } from "../../alerts/severity.js";
import type {
  AlertFacts,
  NotificationKind,
  NotifiedAlert,
  Severity,
  Silence,
} from "../../alerts/types.js";
import type { Translator } from "../../i18n/translator.js";
import { bold, code, escapeHtml, fitLines, MESSAGE_LIMIT, oneLine } from "../format/html.js";
import { alertText } from "./alert-text.js";

/** The kinds rendered here; flapping ones are render/flapping.ts's. */
export type AlertNotificationKind = Exclude<NotificationKind, "flapping" | "settled">;

const TITLE: Record<AlertNotificationKind, { mark: string; key: string }> = {
  firing: { mark: "🔥", key: "alerts-firing" },
  repeat: { mark: "🔁", key: "alerts-repeat" },
  resolved: { mark: "✅", key: "alerts-resolved" },
};

export const SEVERITY_MARK: Record<Severity, string> = { critical: "🔴", warning: "🟡" };

/** An alert's key and text as shown: each within one line, whatever it was sent with. */
export const alertName = (
  lang: Translator,
  a: { fingerprint: string; kind: string; summary: string; facts?: AlertFacts | undefined },
) => `${code(oneLine(a.fingerprint))} ${alertText(lang, a)}`;

/** Critical alerts first, each group in its given order: a cut list never hides one. */
export const criticalFirst = <T extends { kind: string; severity?: Severity | undefined }>(
  alerts: readonly T[],
): T[] => [
  ...alerts.filter((a) => severityOf(a) === "critical"),
  ...alerts.filter((a) => severityOf(a) !== "critical"),
];

/**
 * No alert line is shorter than 16 characters ("• 🟡 <code></code>" alone), so no more than
 * this many fit in a message: a storm's thousands are counted, not written out and cut.
 */
const MAX_LINES = Math.floor(MESSAGE_LIMIT / 16);
const fitting = <T>(alerts: readonly T[]) => ({
  shown: alerts.slice(0, MAX_LINES),
  hidden: Math.max(0, alerts.length - MAX_LINES),
});

/**
 * One message for any number of alerts: its severity, counts per kind, then as many
 * alerts as fit (critical ones first), "+N more", and the note (who silenced or acked it).
 */
export function renderNotification(
  lang: Translator,
  kind: AlertNotificationKind,
  alerts: readonly NotifiedAlert[],
  now: Date,
  note?: string,
): string {
  const perKind = new Map<string, number>();
  for (const a of alerts) perKind.set(a.kind, (perKind.get(a.kind) ?? 0) + 1);
  const counts = [...perKind].map(([k, n]) => `${escapeHtml(k)} ×${n}`).join(" · ");
  const critical = alerts.filter((a) => severityOf(a) === "critical").length;
  const severity =
    critical > 0
      ? `${SEVERITY_MARK.critical} ${lang.t("alerts-critical-count", { n: critical })}` +
        (critical < alerts.length
          ? ` · ${SEVERITY_MARK.warning} ${lang.t("alerts-warning-count", { n: alerts.length - critical })}`
          : "")
      : `${SEVERITY_MARK.warning} ${lang.t("alerts-warning-only")}`;
  const { shown, hidden } = fitting(criticalFirst(alerts));
  const lines = shown.map((a) => {
    const since = new Date(a.firingSince);
    const when =
      kind === "resolved" && a.resolvedAt
        ? lang.t("alerts-lasted", {
            duration: lang.duration(new Date(a.resolvedAt).getTime() - since.getTime()),
          })
        : lang.t("alerts-since", { duration: lang.duration(now.getTime() - since.getTime()) });
    return `• ${SEVERITY_MARK[severityOf(a)]} ${alertName(lang, a)} (${when})`;
  });
  const title = TITLE[kind];
  return fitLines(lines, {
    lang,
    header: `${title.mark} ${bold(lang.t(title.key, { n: alerts.length }))} · ${severity}\n${counts}`,
    hidden,
    ...(note !== undefined ? { footer: `\n${note}` } : {}),
  });
}

export function renderSilencedNote(lang: Translator, who: string, until: Date): string {
  return `🔕 ${lang.t("alerts-silenced-note", { who: escapeHtml(who), until: lang.dateTime(until) })}`;
}

export function renderAckedNote(lang: Translator, who: string, at: Date): string {
  return `👀 ${lang.t("alerts-acked-note", { who: escapeHtml(who), at: lang.dateTime(at) })}`;
}

export interface OpenAlertView {
  fingerprint: string;
  kind: string;
  severity?: Severity | undefined;
  summary: string;
  facts?: AlertFacts | undefined;
  firingSince: Date;
  silence?: Silence;
  ackedBy?: string;
}

/** A watcher check that could not be evaluated: its alerts are unknown, not clear. */
export interface BlindCheck {
  check: string;
  reason: string | null;
}

/** Room the silences may take in /alerts at most: the firing alerts come first. */
const SILENCES_LIMIT = 1200;

function renderSilenceLines(lang: Translator, silences: readonly Silence[], now: Date): string[] {
  return silences.map((s) => {
    const key = code(oneLine(s.matcher));
    const who = escapeHtml(oneLine(s.createdBy));
    const until = lang.dateTime(s.until);
    return s.startsAt > now
      ? `🗓 ${lang.t("alerts-silence-scheduled", { key, from: lang.dateTime(s.startsAt), until, who })}`
      : `🔕 ${lang.t("alerts-silence-until", { key, until, who })}`;
  });
}

/** The silences, as many as fit their share of the message, the rest counted. */
function renderSilences(lang: Translator, silences: readonly Silence[], now: Date) {
  if (silences.length === 0) return undefined;
  return fitLines(renderSilenceLines(lang, silences, now), {
    lang,
    header: bold(lang.t("alerts-silences", { n: silences.length })),
    limit: SILENCES_LIMIT,
  });
}

export function renderOpenAlerts(
  lang: Translator,
  alerts: readonly OpenAlertView[],
  silences: readonly Silence[],
  now: Date,
  blind: readonly BlindCheck[] = [],
): string {
  const silenceBlock = renderSilences(lang, silences, now);
  const blindLines = blind.map((b) => {
    const reason = b.reason ? `: ${escapeHtml(oneLine(b.reason).slice(0, 160))}` : "";
    return `🙈 ${lang.t("alerts-blind-check", { check: code(b.check), reason })}`;
  });
  if (alerts.length === 0) {
    const head =
      blind.length === 0
        ? `✅ ${lang.t("alerts-none")}`
        : `⚠️ ${bold(lang.t("alerts-none-but-blind", { n: blind.length }))} — ${lang.t("alerts-blind-unknown")}`;
    return fitLines(blindLines, {
      lang,
      header: head,
      ...(silenceBlock ? { footer: silenceBlock } : {}),
    });
  }
  const { shown, hidden } = fitting(criticalFirst(alerts));
  const lines = shown.map((a) => {
    const muted = a.silence
      ? ` 🔕 ${lang.t("alerts-open-silenced", { until: lang.dateTime(a.silence.until) })}`
      : "";
    const acked =
      a.ackedBy !== undefined
        ? ` 👀 ${lang.t("alerts-open-acked", { who: escapeHtml(oneLine(a.ackedBy)) })}`
        : "";
    const since = lang.t("alerts-since", {
      duration: lang.duration(now.getTime() - a.firingSince.getTime()),
    });
    return `• ${SEVERITY_MARK[severityOf(a)]} ${alertName(lang, a)} (${since})${muted}${acked}`;
  });
  const critical = alerts.filter((a) => severityOf(a) === "critical").length;
  const footer =
    [
      ...(blindLines.length > 0
        ? [`${bold(lang.t("alerts-blind-checks"))}\n${blindLines.join("\n")}`]
        : []),
      ...(silenceBlock ? [silenceBlock] : []),
    ].join("\n") || undefined;
  const firing = bold(lang.t("alerts-open-firing", { n: alerts.length }));
  return fitLines(lines, {
    lang,
    hidden,
    header: `🔥 ${firing}${critical > 0 ? ` · ${SEVERITY_MARK.critical} ${lang.t("alerts-critical-count", { n: critical })}` : ""}`,
    ...(footer ? { footer } : {}),
  });
}
