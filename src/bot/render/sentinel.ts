import type { Heartbeat } from "../../sentinel/heartbeat.js";
import type { SentinelMessage } from "../../sentinel/watch.js";
import { formatDuration } from "../format/duration.js";
import { bold, escapeHtml } from "../format/html.js";
import { formatUtc } from "../../clock.js";

type Page = Extract<SentinelMessage, { kind: "page" }>;
type Recovery = Extract<SentinelMessage, { kind: "recovered" }>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const firing = (h: Heartbeat) =>
  `${h.firing.critical} critical and ${plural(h.firing.warning, "warning")} firing`;

const waiting = (h: Heartbeat) =>
  h.undeliveredAlerts === 0
    ? "no alert message waiting"
    : `${plural(h.undeliveredAlerts, "alert message")} waiting` +
      (h.oldestUndeliveredSeconds === null
        ? ""
        : `, the oldest for ${formatDuration(h.oldestUndeliveredSeconds * 1000)}`);

const SIGNATURE = "<i>— the sentinel, from another host</i>";

/** The page: what broke, since when, and what the bot last said. */
function renderPage(page: Page): string {
  const since = new Date(page.since);
  const gap = formatDuration(Date.parse(page.detectedAt) - since.getTime());
  const last = page.lastHeartbeat;
  const lines =
    page.reason === "silent"
      ? [
          `🚨 ${bold("opsbot is silent")}: no heartbeat for ${gap} (since ${formatUtc(since)}).`,
          "Its host, its network or the bot itself may be down: its alerts are not reaching you.",
          last === null
            ? "It has not been heard from since the sentinel started."
            : `Its last word: ${firing(last)}; ${waiting(last)} (version ${escapeHtml(last.version)}).`,
        ]
      : [
          page.reason === "telegram"
            ? `🚨 ${bold("opsbot cannot reach Telegram")}: its last alert delivery failed (since ${formatUtc(since)}).`
            : `🚨 ${bold("opsbot's alerts are stuck")}: an alert message has waited undelivered for over 5 minutes.`,
          ...(last === null ? [] : [`Now ${firing(last)}; ${waiting(last)}.`]),
        ];
  return [...lines, SIGNATURE].join("\n");
}

/** The recovery: how long the path was broken and how many alerts waited. */
function renderRecovery(recovery: Recovery): string {
  const since = new Date(recovery.since);
  const until = new Date(recovery.until);
  const what = recovery.reason === "silent" ? "silent" : "broken";
  const waited =
    recovery.waited === 0
      ? "No alert message waited undelivered."
      : `${plural(recovery.waited, "alert message")} waited undelivered.`;
  return [
    `✅ ${bold("opsbot's paging path is whole again")} after ${formatDuration(until.getTime() - since.getTime())} ${what} (${formatUtc(since)} – ${formatUtc(until)}).`,
    `${waited} Now ${firing(recovery.heartbeat)}; ${waiting(recovery.heartbeat)}.`,
    SIGNATURE,
  ].join("\n");
}

export function renderSentinelMessage(message: SentinelMessage): string {
  return message.kind === "page" ? renderPage(message) : renderRecovery(message);
}
