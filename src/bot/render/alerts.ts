import { severityOf } from "../../alerts/severity.js";
import { formatUtc } from "../../clock.js";
import type { NotificationKind, NotifiedAlert, Severity, Silence } from "../../alerts/types.js";

/** The kinds rendered here; flapping ones are render/flapping.ts's. */
export type AlertNotificationKind = Exclude<NotificationKind, "flapping" | "settled">;
import { formatDuration } from "../format/duration.js";
import { bold, code, escapeHtml, fitLines, oneLine } from "../format/html.js";

const TITLE: Record<AlertNotificationKind, (n: number) => string> = {
  firing: (n) => `🔥 ${bold(`${n} alert${n === 1 ? "" : "s"} firing`)}`,
  repeat: (n) => `🔁 ${bold(`Still firing: ${n} alert${n === 1 ? "" : "s"}`)}`,
  resolved: (n) => `✅ ${bold(`Resolved: ${n} alert${n === 1 ? "" : "s"}`)}`,
};

export const SEVERITY_MARK: Record<Severity, string> = { critical: "🔴", warning: "🟡" };

/** An alert's key and summary as shown: each within one line, whatever it was sent with. */
export const alertName = (a: { fingerprint: string; summary: string }) =>
  `${code(oneLine(a.fingerprint))} ${escapeHtml(oneLine(a.summary))}`;

/** Critical alerts first, each group in its given order: a cut list never hides one. */
export const criticalFirst = <T extends { kind: string; severity?: Severity | undefined }>(
  alerts: readonly T[],
): T[] => [
  ...alerts.filter((a) => severityOf(a) === "critical"),
  ...alerts.filter((a) => severityOf(a) !== "critical"),
];

/**
 * One message for any number of alerts: its severity, counts per kind, then as many
 * alerts as fit (critical ones first), "+N more", and the note (who silenced or acked it).
 */
export function renderNotification(
  kind: AlertNotificationKind,
  alerts: readonly NotifiedAlert[],
  now: Date,
  note?: string,
): string {
  const perKind = new Map<string, number>();
  for (const a of alerts) perKind.set(a.kind, (perKind.get(a.kind) ?? 0) + 1);
  const counts = [...perKind].map(([k, n]) => `${escapeHtml(k)} ×${n}`).join(" · ");
  const critical = alerts.filter((a) => severityOf(a) === "critical");
  const severity =
    critical.length > 0
      ? `${SEVERITY_MARK.critical} critical ×${critical.length}` +
        (critical.length < alerts.length
          ? ` · ${SEVERITY_MARK.warning} warning ×${alerts.length - critical.length}`
          : "")
      : `${SEVERITY_MARK.warning} warning`;
  const lines = criticalFirst(alerts).map((a) => {
    const since = new Date(a.firingSince);
    const when =
      kind === "resolved" && a.resolvedAt
        ? `lasted ${formatDuration(new Date(a.resolvedAt).getTime() - since.getTime())}`
        : `since ${formatDuration(now.getTime() - since.getTime())}`;
    return `• ${SEVERITY_MARK[severityOf(a)]} ${alertName(a)} (${when})`;
  });
  return fitLines(lines, {
    header: `${TITLE[kind](alerts.length)} · ${severity}\n${counts}`,
    ...(note !== undefined ? { footer: `\n${note}` } : {}),
  });
}

export function renderSilencedNote(who: string, until: Date): string {
  return `🔕 Silenced by ${escapeHtml(who)} until ${formatUtc(until)}`;
}

export function renderAckedNote(who: string, at: Date): string {
  return `👀 Acked by ${escapeHtml(who)} at ${formatUtc(at)}: no repeats until resolved`;
}

export interface OpenAlertView {
  fingerprint: string;
  kind: string;
  severity?: Severity | undefined;
  summary: string;
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

function renderSilenceLines(silences: readonly Silence[], now: Date): string[] {
  return silences.map((s) => {
    const by = escapeHtml(oneLine(s.createdBy));
    return s.startsAt > now
      ? `🗓 ${code(oneLine(s.matcher))} scheduled ${formatUtc(s.startsAt)} → ${formatUtc(s.until)} by ${by}`
      : `🔕 ${code(oneLine(s.matcher))} until ${formatUtc(s.until)} by ${by}`;
  });
}

/** The silences, as many as fit their share of the message, the rest counted. */
function renderSilences(silences: readonly Silence[], now: Date): string | undefined {
  if (silences.length === 0) return undefined;
  return fitLines(renderSilenceLines(silences, now), {
    header: bold(`Silences (${silences.length})`),
    limit: SILENCES_LIMIT,
  });
}

export function renderOpenAlerts(
  alerts: readonly OpenAlertView[],
  silences: readonly Silence[],
  now: Date,
  blind: readonly BlindCheck[] = [],
): string {
  const silenceBlock = renderSilences(silences, now);
  const blindLines = blind.map(
    (b) =>
      `🙈 ${code(b.check)} cannot be evaluated${b.reason ? `: ${escapeHtml(oneLine(b.reason).slice(0, 160))}` : ""}`,
  );
  if (alerts.length === 0) {
    const head =
      blind.length === 0
        ? "✅ No alerts firing."
        : `⚠️ ${bold(`No alerts firing, but ${blind.length} check${blind.length === 1 ? " is" : "s are"} blind`)} — their alerts are unknown:`;
    return fitLines(blindLines, {
      header: head,
      ...(silenceBlock ? { footer: silenceBlock } : {}),
    });
  }
  const lines = criticalFirst(alerts).map((a) => {
    const muted = a.silence ? ` 🔕 until ${formatUtc(a.silence.until)}` : "";
    const acked = a.ackedBy !== undefined ? ` 👀 acked by ${escapeHtml(oneLine(a.ackedBy))}` : "";
    const since = formatDuration(now.getTime() - a.firingSince.getTime());
    return `• ${SEVERITY_MARK[severityOf(a)]} ${alertName(a)} (since ${since})${muted}${acked}`;
  });
  const critical = alerts.filter((a) => severityOf(a) === "critical").length;
  const footer =
    [
      ...(blindLines.length > 0 ? [`${bold("Blind checks")}\n${blindLines.join("\n")}`] : []),
      ...(silenceBlock ? [silenceBlock] : []),
    ].join("\n") || undefined;
  return fitLines(lines, {
    header: `🔥 ${bold(`${alerts.length} firing`)}${critical > 0 ? ` · ${SEVERITY_MARK.critical} critical ×${critical}` : ""}`,
    ...(footer ? { footer } : {}),
  });
}
