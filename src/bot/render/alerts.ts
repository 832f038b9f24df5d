import { severityOf } from "../../alerts/severity.js";
import type { NotificationKind, NotifiedAlert, Severity, Silence } from "../../alerts/types.js";
import { formatDuration } from "../format/duration.js";
import { bold, code, escapeHtml, fitLines } from "../format/html.js";

const TITLE: Record<NotificationKind, (n: number) => string> = {
  firing: (n) => `🔥 ${bold(`${n} alert${n === 1 ? "" : "s"} firing`)}`,
  repeat: (n) => `🔁 ${bold(`Still firing: ${n} alert${n === 1 ? "" : "s"}`)}`,
  resolved: (n) => `✅ ${bold(`Resolved: ${n} alert${n === 1 ? "" : "s"}`)}`,
};

export const formatUtc = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

const SEVERITY_MARK: Record<Severity, string> = { critical: "🔴", warning: "🟡" };

/**
 * One message for any number of alerts: its severity, counts per kind, then as many
 * alerts as fit (critical ones first), "+N more", and the note (who silenced or acked it).
 */
export function renderNotification(
  kind: NotificationKind,
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
  const ordered = [...critical, ...alerts.filter((a) => severityOf(a) !== "critical")];
  const lines = ordered.map((a) => {
    const since = new Date(a.firingSince);
    const when =
      kind === "resolved" && a.resolvedAt
        ? `lasted ${formatDuration(new Date(a.resolvedAt).getTime() - since.getTime())}`
        : `since ${formatDuration(now.getTime() - since.getTime())}`;
    return `• ${SEVERITY_MARK[severityOf(a)]} ${code(a.fingerprint)} ${escapeHtml(a.summary)} (${when})`;
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

export function renderOpenAlerts(
  alerts: readonly OpenAlertView[],
  silences: readonly Silence[],
  now: Date,
  blind: readonly BlindCheck[] = [],
): string {
  const silenceLines = silences.map((s) =>
    s.startsAt > now
      ? `🗓 ${code(s.matcher)} scheduled ${formatUtc(s.startsAt)} → ${formatUtc(s.until)} by ${escapeHtml(s.createdBy)}`
      : `🔕 ${code(s.matcher)} until ${formatUtc(s.until)} by ${escapeHtml(s.createdBy)}`,
  );
  const blindLines = blind.map(
    (b) =>
      `🙈 ${code(b.check)} cannot be evaluated${b.reason ? `: ${escapeHtml(b.reason.slice(0, 160))}` : ""}`,
  );
  if (alerts.length === 0) {
    const head =
      blind.length === 0
        ? "✅ No alerts firing."
        : `⚠️ ${bold(`No alerts firing, but ${blind.length} check${blind.length === 1 ? " is" : "s are"} blind`)} — their alerts are unknown:`;
    return [head, ...blindLines, ...silenceLines].join("\n");
  }
  const lines = alerts.map((a) => {
    const muted = a.silence ? ` 🔕 until ${formatUtc(a.silence.until)}` : "";
    const acked = a.ackedBy !== undefined ? ` 👀 acked by ${escapeHtml(a.ackedBy)}` : "";
    return `• ${code(a.fingerprint)} ${escapeHtml(a.summary)} (since ${formatDuration(now.getTime() - a.firingSince.getTime())})${muted}${acked}`;
  });
  const footer =
    [
      ...(blindLines.length > 0 ? [`${bold("Blind checks")}\n${blindLines.join("\n")}`] : []),
      ...(silenceLines.length > 0 ? [`${bold("Silences")}\n${silenceLines.join("\n")}`] : []),
    ].join("\n") || undefined;
  return fitLines(lines, {
    header: `🔥 ${bold(`${alerts.length} firing`)}`,
    ...(footer ? { footer } : {}),
  });
}
