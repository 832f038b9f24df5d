import type { Translator } from "../../i18n/translator.js";
import type { Heartbeat } from "../../sentinel/heartbeat.js";
import type { SentinelMessage } from "../../sentinel/watch.js";
import { bold, escapeHtml, italic } from "../format/html.js";

type Page = Extract<SentinelMessage, { kind: "page" }>;
type Recovery = Extract<SentinelMessage, { kind: "recovered" }>;

const firing = (lang: Translator, h: Heartbeat) =>
  lang.t("sentinel-firing", { critical: h.firing.critical, warning: h.firing.warning });

const waiting = (lang: Translator, h: Heartbeat) =>
  h.undeliveredAlerts === 0
    ? lang.t("sentinel-waiting-none")
    : lang.t("sentinel-waiting", { n: h.undeliveredAlerts }) +
      (h.oldestUndeliveredSeconds === null
        ? ""
        : lang.t("sentinel-waiting-oldest", {
            duration: lang.duration(h.oldestUndeliveredSeconds * 1000),
          }));

const signature = (lang: Translator) => italic(lang.t("sentinel-signature"));

/** The page: what broke, since when, and what the bot last said. */
function renderPage(lang: Translator, page: Page): string {
  const since = lang.dateTime(new Date(page.since));
  const gap = lang.duration(Date.parse(page.detectedAt) - Date.parse(page.since));
  const last = page.lastHeartbeat;
  const lines =
    page.reason === "silent"
      ? [
          `🚨 ${bold(lang.t("sentinel-silent"))}: ${lang.t("sentinel-silent-detail", { gap, since })}`,
          lang.t("sentinel-silent-why"),
          last === null
            ? lang.t("sentinel-never-heard")
            : lang.t("sentinel-last-word", {
                firing: firing(lang, last),
                waiting: waiting(lang, last),
                version: escapeHtml(last.version),
              }),
        ]
      : [
          page.reason === "telegram"
            ? `🚨 ${bold(lang.t("sentinel-telegram"))}: ${lang.t("sentinel-telegram-detail", { since })}`
            : `🚨 ${bold(lang.t("sentinel-stuck"))}: ${lang.t("sentinel-stuck-detail")}`,
          ...(last === null
            ? []
            : [
                lang.t("sentinel-now", {
                  firing: firing(lang, last),
                  waiting: waiting(lang, last),
                }),
              ]),
        ];
  return [...lines, signature(lang)].join("\n");
}

/** The recovery: how long the path was broken and how many alerts waited. */
function renderRecovery(lang: Translator, recovery: Recovery): string {
  const since = new Date(recovery.since);
  const until = new Date(recovery.until);
  const waited =
    recovery.waited === 0
      ? lang.t("sentinel-waited-none")
      : lang.t("sentinel-waited", { n: recovery.waited });
  const now = lang.t("sentinel-now", {
    firing: firing(lang, recovery.heartbeat),
    waiting: waiting(lang, recovery.heartbeat),
  });
  const detail = lang.t("sentinel-whole-detail", {
    reason: recovery.reason === "silent" ? "silent" : "broken",
    duration: lang.duration(until.getTime() - since.getTime()),
    since: lang.dateTime(since),
    until: lang.dateTime(until),
  });
  return [
    `✅ ${bold(lang.t("sentinel-whole"))} ${detail}`,
    `${waited} ${now}`,
    signature(lang),
  ].join("\n");
}

/** In `lang`: the sentinel posts in the alert group, in BOT_LOCALE. */
export function renderSentinelMessage(lang: Translator, message: SentinelMessage): string {
  return message.kind === "page" ? renderPage(lang, message) : renderRecovery(lang, message);
}
