import { Composer } from "grammy";
import type { AlertsDesk } from "../../alerts/alerts-desk.js";
import {
  checkNewSilenceKey,
  DURATION_TEXT,
  silenceDelay,
  silenceDuration,
  silenceMatcher,
} from "../../alerts/silences.js";
import { formatUtc, type Clock } from "../../clock.js";
import type { Translator } from "../../i18n/translator.js";
import { postWithKeyboard } from "../alert-channel.js";
import { actorOf } from "../actor.js";
import { ACK_BUTTON, SILENCE_BUTTON, SILENCE_CHOICES, parseAlertButton } from "../callback-data.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { code } from "../format/html.js";
import { requireRole } from "../middleware/auth.js";
import { renderAckedNote, renderOpenAlerts, renderSilencedNote } from "../render/alerts.js";
import { renderOutboxMessage } from "../render/flapping.js";

export const SILENCE_USAGE =
  "Usage: /silence KEY DURATION [in DELAY] — e.g. /silence stuck_worker:42 4h, or /silence api_down 2h in 30m for a maintenance window (30m, 4h, 2d; KEY is a kind, a key, or KIND:prefix*)";
export const UNSILENCE_USAGE =
  "Usage: /unsilence KEY — the key exactly as /alerts shows it; /unsilence PREFIX* lifts every silence whose key starts with PREFIX (e.g. am:*), /unsilence all every silence";

export function alertsFeature(deps: {
  alerts: AlertsDesk;
  clock: Clock;
  maxSilenceDays: number;
  runbookUrl?: string | undefined;
  /** BOT_LOCALE's: an alert message edited in the group stays in its language. */
  groupLanguage: Translator;
}) {
  const { alerts, clock } = deps;
  const duration = silenceDuration(deps.maxSilenceDays);
  const html = { parse_mode: "HTML" } as const;
  const feature = new Composer<BotContext>();
  // A database failure is answered in one line by the error boundary (create-bot.ts).
  handleCommand(feature, "alerts", async (ctx) => {
    const now = clock.now();
    const [view, blind] = await Promise.all([alerts.view(now), alerts.blindChecks()]);
    await ctx.reply(renderOpenAlerts(view.alerts, view.silences, now, blind), html);
  });

  handleCommand(feature, "silence", async (ctx) => {
    const [key = "", wanted = "", word, delayText, ...rest] = ctx.match.trim().split(/\s+/);
    const delayed = word !== undefined;
    if (key === "" || wanted === "" || rest.length > 0) return ctx.reply(SILENCE_USAGE);
    if (delayed && (word !== "in" || delayText === undefined)) return ctx.reply(SILENCE_USAGE);
    const checked = checkNewSilenceKey(key);
    if (!checked.ok) return ctx.reply(`⛔ ${code(key)}: ${checked.reason}.`, html);
    const ms = duration.safeParse(wanted);
    if (!ms.success) {
      // A well-formed duration out of bounds gets the bound; anything else the usage line.
      return ctx.reply(
        DURATION_TEXT.test(wanted) ? `⛔ A silence ${ms.error.issues[0]?.message}.` : SILENCE_USAGE,
      );
    }
    const delay = delayed ? silenceDelay.safeParse(delayText) : undefined;
    if (delay && !delay.success) {
      return ctx.reply(
        DURATION_TEXT.test(delayText ?? "")
          ? `⛔ A delay ${delay.error.issues[0]?.message}.`
          : SILENCE_USAGE,
      );
    }
    const now = clock.now();
    const startsAt = new Date(now.getTime() + (delay?.data ?? 0));
    const until = new Date(startsAt.getTime() + ms.data);
    const inForce = await alerts.silence([key], { startsAt, until }, actorOf(ctx).name, now);
    await ctx.reply(silenceAnswer(key, { startsAt, until }, inForce, now), html);
  });

  handleCommand(feature, "unsilence", async (ctx) => {
    const parts = ctx.match.trim().split(/\s+/);
    const arg = parts[0] ?? "";
    const matcher = silenceMatcher.safeParse(arg);
    if (parts.length !== 1 || (arg !== "all" && !matcher.success)) {
      return ctx.reply(UNSILENCE_USAGE);
    }
    // A key ending in * lifts every silence under it, the pattern's own included.
    const selector =
      arg === "all"
        ? { prefix: "" }
        : arg.endsWith("*")
          ? { prefix: arg.slice(0, -1) }
          : { key: arg };
    const lifted = await alerts.unsilence(selector, clock.now());
    await ctx.reply(unsilenceAnswer(arg, "key" in selector, lifted), html);
  });

  const unknownMessage = { text: "That alert message is not known here.", show_alert: true };

  feature.callbackQuery(SILENCE_BUTTON, requireRole("operator"), async (ctx) => {
    const pressed = parseAlertButton(ctx.callbackQuery.data);
    const message = ctx.callbackQuery.message;
    if (pressed?.action !== "silence" || !message || !ctx.chat) {
      return ctx.answerCallbackQuery(unknownMessage);
    }
    const now = clock.now();
    const until = new Date(now.getTime() + SILENCE_CHOICES[pressed.choice]);
    const who = actorOf(ctx).name;
    const target = {
      outboxId: pressed.outboxId,
      chatId: ctx.chat.id,
      messageId: message.message_id,
    };
    const silenced = await alerts.silenceNotification(target, until, who, now);
    if (!silenced) return ctx.answerCallbackQuery(unknownMessage);
    await ctx.answerCallbackQuery({ text: `Silenced for ${pressed.choice}.` });
    const notification = { outboxId: 0, kind: silenced.row.kind, alerts: silenced.row.alerts };
    const note = renderSilencedNote(who, silenced.until);
    // Silenced: no more buttons to press, the runbook links stay.
    const text = renderOutboxMessage(
      notification.kind,
      notification.alerts,
      now,
      deps.groupLanguage,
      note,
    );
    await postWithKeyboard(notification, { runbookUrl: deps.runbookUrl, ack: false }, (markup) =>
      ctx.editMessageText(text, { ...html, ...markup }),
    );
  });

  feature.callbackQuery(ACK_BUTTON, requireRole("operator"), async (ctx) => {
    const pressed = parseAlertButton(ctx.callbackQuery.data);
    const message = ctx.callbackQuery.message;
    if (pressed?.action !== "ack" || !message || !ctx.chat) {
      return ctx.answerCallbackQuery(unknownMessage);
    }
    const now = clock.now();
    const who = actorOf(ctx).name;
    const target = {
      outboxId: pressed.outboxId,
      chatId: ctx.chat.id,
      messageId: message.message_id,
    };
    const acked = await alerts.ack(target, who, now);
    if (!acked) return ctx.answerCallbackQuery(unknownMessage);
    await ctx.answerCallbackQuery({
      text:
        acked.acked > 0
          ? "Acknowledged: no repeats until resolved."
          : "Already acknowledged or resolved.",
    });
    if (acked.acked === 0) return;
    const notification = { outboxId: acked.row.id, kind: acked.row.kind, alerts: acked.row.alerts };
    // Acked: the Silence buttons and runbook links stay, the Ack button goes.
    const text = renderOutboxMessage(
      notification.kind,
      notification.alerts,
      now,
      deps.groupLanguage,
      renderAckedNote(who, now),
    );
    await postWithKeyboard(notification, { runbookUrl: deps.runbookUrl, ack: false }, (markup) =>
      ctx.editMessageText(text, { ...html, ...markup }),
    );
  });
  return feature;
}

function silenceAnswer(
  key: string,
  wanted: { startsAt: Date; until: Date },
  inForce: { startsAt: Date; until: Date },
  now: Date,
): string {
  const longer = inForce.until > wanted.until;
  const window =
    inForce.startsAt > now
      ? `from ${formatUtc(inForce.startsAt)} until ${formatUtc(inForce.until)}`
      : `until ${formatUtc(inForce.until)}`;
  return longer
    ? `🔕 ${code(key)} stays silenced ${window}: a new silence never shortens a longer one.`
    : inForce.startsAt > now
      ? `🗓 ${code(key)} will be silenced ${window} (maintenance window).`
      : `🔕 ${code(key)} silenced ${window}.`;
}

function unsilenceAnswer(arg: string, exact: boolean, lifted: number): string {
  if (exact) {
    return lifted > 0
      ? `🔔 ${code(arg)} is no longer silenced.`
      : `No silence in force or scheduled for ${code(arg)}.`;
  }
  const under = arg === "all" ? "" : ` under ${code(arg)}`;
  return lifted > 0
    ? `🔔 ${lifted} silence${lifted === 1 ? "" : "s"} lifted${under}.`
    : `No silence in force or scheduled${under}.`;
}
