/** On call in Telegram HTML: who is on call, handovers, pages and escalations. */
import type { Translator } from "../../i18n/translator.js";
import type { OnCallNow } from "../../oncall/oncall-desk.js";
import type { Escalation, Handover, Mentions } from "../../oncall/pager.js";
import { bold, escapeHtml } from "../format/html.js";
import { renderNotification } from "./alerts.js";

/** A mention that notifies the person: their name when known, else their id. */
export const mention = (lang: Translator, userId: number, name?: string) =>
  `<a href="tg://user?id=${userId}">${escapeHtml(name ?? lang.t("oncall-user", { id: String(userId) }))}</a>`;

/** Times of the rota are read in ONCALL_TZ. */
export function renderOnCall(lang: Translator, now: OnCallNow, tz: string): string {
  const until = lang.dateTime(now.until, tz);
  const lines = [
    `📟 ${bold(lang.t("oncall-now"))}: ${lang.t("oncall-now-until", {
      person: mention(lang, now.person, now.override?.userName),
      until,
    })}`,
    lang.t("oncall-next", { person: mention(lang, now.next), from: until }),
  ];
  if (now.override) {
    lines.push(
      lang.t("oncall-override", {
        person: mention(lang, now.rotaShift.person),
        until: lang.dateTime(now.rotaShift.until, tz),
      }),
    );
  }
  return lines.join("\n");
}

export function renderTaken(lang: Translator, now: OnCallNow, tz: string): string {
  return `🙋 ${lang.t("oncall-taken", {
    person: mention(lang, now.person, now.override?.userName),
    until: lang.dateTime(now.until, tz),
    next: mention(lang, now.next),
  })}`;
}

export function renderHandover(lang: Translator, handover: Handover, tz: string): string {
  return [
    `🔄 ${bold(lang.t("oncall-handover"))}: ${lang.t("oncall-handover-until", {
      person: mention(lang, handover.person),
      until: lang.dateTime(handover.until, tz),
    })}`,
    lang.t("oncall-handover-open", {
      next: mention(lang, handover.next),
      open: handover.openAlerts,
    }),
  ].join("\n");
}

const waited = (lang: Translator, escalation: Escalation, now: Date) =>
  lang.t("oncall-unacked", {
    duration: lang.duration(now.getTime() - escalation.firstPageAt.getTime()),
  });

/** The private page, in the paged person's language: the alerts, and which step this is. */
export function renderPage(lang: Translator, escalation: Escalation, now: Date): string {
  const step = lang.t("oncall-paged-step", {
    step: escalation.step,
    steps: escalation.steps,
    waited: waited(lang, escalation, now),
  });
  return renderNotification(
    lang,
    "firing",
    escalation.alerts,
    now,
    `📟 ${bold(lang.t("oncall-paged"))}: ${step}`,
  );
}

export function renderGroupPage(
  lang: Translator,
  escalation: Escalation,
  mentions: Mentions,
  now: Date,
): string {
  // The person on call is mentioned once, even when an operator too.
  const operators = mentions.operators.filter((id) => id !== mentions.onCall);
  const people = [
    ...(mentions.onCall !== undefined
      ? [lang.t("oncall-mention-oncall", { person: mention(lang, mentions.onCall) })]
      : []),
    ...(operators.length > 0
      ? [
          lang.t("oncall-mention-operators", {
            people: operators.map((id) => mention(lang, id)).join(", "),
          }),
        ]
      : []),
  ];
  const step = lang.t("oncall-escalation-step", {
    step: escalation.step,
    steps: escalation.steps,
    waited: waited(lang, escalation, now),
    people: people.join("; "),
  });
  return renderNotification(
    lang,
    "firing",
    escalation.alerts,
    now,
    `📣 ${bold(lang.t("oncall-escalation"))} ${step}`,
  );
}

export function renderRefusedPage(lang: Translator, userId: number, error: string): string {
  return `⚠️ ${lang.t("oncall-refused", { person: mention(lang, userId), error: escapeHtml(error) })}`;
}
