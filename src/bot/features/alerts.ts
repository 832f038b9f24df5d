import { Composer } from "grammy";
import type { AlertsDesk } from "../../alerts/alerts-desk.js";
import {
  checkNewSilenceKey,
  DURATION_TEXT,
  durationMs,
  SILENCE_MIN_MS,
  silenceDelay,
  silenceDuration,
  silenceMatcher,
} from "../../alerts/silences.js";
import type { Clock } from "../../clock.js";
import type { Translator } from "../../i18n/translator.js";
import { postWithKeyboard } from "../alert-channel.js";
import { actorOf } from "../actor.js";
import { ACK_BUTTON, SILENCE_BUTTON, SILENCE_CHOICES, parseAlertButton } from "../callback-data.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { code } from "../format/html.js";
import { requireRole } from "../middleware/auth.js";
import { renderAckedNote, renderOpenAlerts, renderSilencedNote } from "../render/alerts.js";
import { renderOutboxMessage } from "../render/outbox-message.js";

/**
 * /alerts, /silence, /unsilence and the alert buttons. Replies are in the sender's language;
 * an alert message a button edits is the group's, in `group` (BOT_LOCALE's).
 */
export function alertsFeature(deps: {
  alerts: AlertsDesk;
  group: Translator;
  clock: Clock;
  maxSilenceDays: number;
  runbookUrl?: string | undefined;
}) {
  const { alerts, clock, group } = deps;
  const duration = silenceDuration(deps.maxSilenceDays);
  const html = { parse_mode: "HTML" } as const;
  const feature = new Composer<BotContext>();
  // A database failure is answered in one line by the error boundary (create-bot.ts).
  handleCommand(feature, "alerts", async (ctx) => {
    const now = clock.now();
    const [view, blind] = await Promise.all([alerts.view(now), alerts.blindChecks()]);
    await ctx.reply(renderOpenAlerts(ctx.lang, view.alerts, view.silences, now, blind), html);
  });

  handleCommand(feature, "silence", async (ctx) => {
    const { lang } = ctx;
    const usage = () => ctx.reply(lang.t("silence-usage"));
    const refuse = (key: string, args: Record<string, string | number> = {}) =>
      ctx.reply(`⛔ ${lang.t(key, args)}`, html);
    const [key = "", wanted = "", word, delayText, ...rest] = ctx.match.trim().split(/\s+/);
    const delayed = word !== undefined;
    if (key === "" || wanted === "" || rest.length > 0) return usage();
    if (delayed && (word !== "in" || delayText === undefined)) return usage();
    const checked = checkNewSilenceKey(key);
    if (!checked.ok) return refuse(`silence-${checked.problem}`, { key: code(key) });
    const ms = duration.safeParse(wanted);
    if (!ms.success) {
      // A well-formed duration out of bounds gets the bound; anything else the usage line.
      if (!DURATION_TEXT.test(wanted)) return usage();
      return durationMs(wanted) < SILENCE_MIN_MS
        ? refuse("silence-too-short")
        : refuse("silence-too-long", { days: String(deps.maxSilenceDays) });
    }
    const delay = delayed ? silenceDelay.safeParse(delayText) : undefined;
    if (delay && !delay.success) {
      return DURATION_TEXT.test(delayText ?? "") ? refuse("silence-delay-bounds") : usage();
    }
    const now = clock.now();
    const startsAt = new Date(now.getTime() + (delay?.data ?? 0));
    const until = new Date(startsAt.getTime() + ms.data);
    const inForce = await alerts.silence([key], { startsAt, until }, actorOf(ctx), now);
    await ctx.reply(silenceAnswer(lang, key, { startsAt, until }, inForce, now), html);
  });

  handleCommand(feature, "unsilence", async (ctx) => {
    const parts = ctx.match.trim().split(/\s+/);
    const arg = parts[0] ?? "";
    const matcher = silenceMatcher.safeParse(arg);
    if (parts.length !== 1 || (arg !== "all" && !matcher.success)) {
      return ctx.reply(ctx.lang.t("unsilence-usage"));
    }
    // A key ending in * lifts every silence under it, the pattern's own included.
    const selector =
      arg === "all"
        ? { prefix: "" }
        : arg.endsWith("*")
          ? { prefix: arg.slice(0, -1) }
          : { key: arg };
    const lifted = await alerts.unsilence(selector, clock.now());
    await ctx.reply(unsilenceAnswer(ctx.lang, arg, "key" in selector, lifted), html);
  });

  const unknownMessage = (ctx: BotContext) =>
    ctx.answerCallbackQuery({ text: ctx.lang.t("alerts-unknown-message"), show_alert: true });

  feature.callbackQuery(SILENCE_BUTTON, requireRole("operator"), async (ctx) => {
    const pressed = parseAlertButton(ctx.callbackQuery.data);
    const message = ctx.callbackQuery.message;
    if (pressed?.action !== "silence" || !message || !ctx.chat) {
      return unknownMessage(ctx);
    }
    const now = clock.now();
    const until = new Date(now.getTime() + SILENCE_CHOICES[pressed.choice]);
    const who = actorOf(ctx);
    const target = {
      outboxId: pressed.outboxId,
      chatId: ctx.chat.id,
      messageId: message.message_id,
    };
    const silenced = await alerts.silenceNotification(target, until, who, now);
    if (!silenced) return unknownMessage(ctx);
    const hours = SILENCE_CHOICES[pressed.choice] / 3_600_000;
    await ctx.answerCallbackQuery({ text: ctx.lang.t("alerts-silenced-answer", { hours }) });
    const notification = { outboxId: 0, kind: silenced.row.kind, alerts: silenced.row.alerts };
    const note = renderSilencedNote(group, who.name, silenced.until);
    // Silenced: no more buttons to press, the runbook links stay.
    const text = renderOutboxMessage(notification.kind, notification.alerts, now, group, note);
    const keyboard = { lang: group, runbookUrl: deps.runbookUrl, ack: false };
    await postWithKeyboard(notification, keyboard, (markup) =>
      ctx.editMessageText(text, { ...html, ...markup }),
    );
  });

  feature.callbackQuery(ACK_BUTTON, requireRole("operator"), async (ctx) => {
    const pressed = parseAlertButton(ctx.callbackQuery.data);
    const message = ctx.callbackQuery.message;
    if (pressed?.action !== "ack" || !message || !ctx.chat) {
      return unknownMessage(ctx);
    }
    const now = clock.now();
    const who = actorOf(ctx);
    const target = {
      outboxId: pressed.outboxId,
      chatId: ctx.chat.id,
      messageId: message.message_id,
    };
    const acked = await alerts.ack(target, who, now);
    if (!acked) return unknownMessage(ctx);
    await ctx.answerCallbackQuery({
      text: ctx.lang.t(acked.acked > 0 ? "alerts-acked-answer" : "alerts-already-acked"),
    });
    if (acked.acked === 0) return;
    const notification = { outboxId: acked.row.id, kind: acked.row.kind, alerts: acked.row.alerts };
    // Acked: the Silence buttons and runbook links stay, the Ack button goes.
    const note = renderAckedNote(group, who.name, now);
    const text = renderOutboxMessage(notification.kind, notification.alerts, now, group, note);
    const keyboard = { lang: group, runbookUrl: deps.runbookUrl, ack: false };
    await postWithKeyboard(notification, keyboard, (markup) =>
      ctx.editMessageText(text, { ...html, ...markup }),
    );
  });
  return feature;
}

function silenceAnswer(
  lang: Translator,
  key: string,
  wanted: { startsAt: Date; until: Date },
  inForce: { startsAt: Date; until: Date },
  now: Date,
): string {
  const longer = inForce.until > wanted.until;
  const until = lang.dateTime(inForce.until);
  const window =
    inForce.startsAt > now
      ? lang.t("silence-window-from", { from: lang.dateTime(inForce.startsAt), until })
      : lang.t("silence-window-until", { until });
  const args = { key: code(key), window };
  return longer
    ? `🔕 ${lang.t("silence-stays", args)}`
    : inForce.startsAt > now
      ? `🗓 ${lang.t("silence-scheduled", args)}`
      : `🔕 ${lang.t("silence-set", args)}`;
}

function unsilenceAnswer(lang: Translator, arg: string, exact: boolean, lifted: number): string {
  if (exact) {
    return lifted > 0
      ? `🔔 ${lang.t("unsilence-key-lifted", { key: code(arg) })}`
      : lang.t("unsilence-key-none", { key: code(arg) });
  }
  const under = arg === "all" ? "" : lang.t("unsilence-under", { key: code(arg) });
  return lifted > 0
    ? `🔔 ${lang.t("unsilence-lifted", { n: lifted, under })}`
    : lang.t("unsilence-none", { under });
}
