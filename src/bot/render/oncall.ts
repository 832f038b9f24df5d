/** On call in Telegram HTML: who is on call, handovers, pages and escalations. */
import type { OnCallNow } from "../../oncall/oncall-desk.js";
import type { Escalation, Handover, Mentions } from "../../oncall/pager.js";
import { formatDuration } from "../format/duration.js";
import { bold, escapeHtml } from "../format/html.js";
import { renderNotification } from "./alerts.js";

/** A mention that notifies the person: their name when known, else their id. */
export const mention = (userId: number, name?: string) =>
  `<a href="tg://user?id=${userId}">${escapeHtml(name ?? `user ${userId}`)}</a>`;

/** "Mon 7 Dec 10:00 Europe/Berlin": local time in ONCALL_TZ. */
export function formatLocal(at: Date, tz: string): string {
  const text = new Intl.DateTimeFormat("en-GB", {
    timeZone: tz,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
  return `${text.replace(",", "")} ${tz}`;
}

export function renderOnCall(now: OnCallNow, tz: string): string {
  const lines = [
    `📟 ${bold("On call")}: ${mention(now.person, now.override?.userName)} until ${formatLocal(now.until, tz)}`,
    `Next: ${mention(now.next)} from ${formatLocal(now.until, tz)}`,
  ];
  if (now.override) {
    lines.push(
      `Override: taken with /oncall take; the rota has ${mention(now.rotaShift.person)} until ${formatLocal(now.rotaShift.until, tz)}`,
    );
  }
  return lines.join("\n");
}

export const NO_ROTA = "No on-call rota: set ONCALL_ROTA (see docs/paging.md).";

export function renderTaken(now: OnCallNow, tz: string): string {
  return `🙋 ${mention(now.person, now.override?.userName)} took the on-call shift until ${formatLocal(now.until, tz)}. Next: ${mention(now.next)}.`;
}

export function renderHandover(handover: Handover, tz: string): string {
  const open = handover.openAlerts;
  return [
    `🔄 ${bold("Handover")}: ${mention(handover.person)} is on call until ${formatLocal(handover.until, tz)}.`,
    `Next: ${mention(handover.next)}. Open alerts: ${open === 0 ? "none" : open}.`,
  ].join("\n");
}

const waited = (escalation: Escalation, now: Date) =>
  `unacknowledged for ${formatDuration(now.getTime() - escalation.firstPageAt.getTime())}`;

/** The private page: the alerts, and which step of the escalation this is. */
export function renderPage(escalation: Escalation, now: Date): string {
  return renderNotification(
    "firing",
    escalation.alerts,
    now,
    `📟 ${bold(`You are paged`)}: escalation step ${escalation.step} of ${escalation.steps}, ${waited(escalation, now)}. Ack takes it.`,
  );
}

export function renderGroupPage(escalation: Escalation, mentions: Mentions, now: Date): string {
  // The person on call is mentioned once, even when an operator too.
  const operators = mentions.operators.filter((id) => id !== mentions.onCall);
  const people = [
    ...(mentions.onCall !== undefined ? [`on call ${mention(mentions.onCall)}`] : []),
    ...(operators.length > 0 ? [`operators ${operators.map((id) => mention(id)).join(", ")}`] : []),
  ];
  return renderNotification(
    "firing",
    escalation.alerts,
    now,
    `📣 ${bold("Escalation")} step ${escalation.step} of ${escalation.steps}, ${waited(escalation, now)}: ${people.join("; ")}`,
  );
}

export function renderRefusedPage(userId: number, error: string): string {
  return `⚠️ Could not page ${mention(userId)} privately (Telegram: ${escapeHtml(error)}). They must open a private chat with the bot and press Start once. Escalation goes on.`;
}
