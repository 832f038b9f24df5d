/**
 * /oncall: who is on call now and until when, who is next, any override; /oncall take
 * [DURATION] (operators): the sender takes the shift, announced in the alert group. And
 * the Ack button of a private page.
 */
import { Composer } from "grammy";
import type { Destination } from "../../alerts/routes.js";
import type { Clock } from "../../clock.js";
import type { Translator } from "../../i18n/translator.js";
import type { OnCallDesk } from "../../oncall/oncall-desk.js";
import { parseDuration } from "../../oncall/specs.js";
import { postWithKeyboard } from "../alert-channel.js";
import { actorOf } from "../actor.js";
import { PAGE_ACK_BUTTON } from "../callback-data.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { requireRole } from "../middleware/auth.js";
import { renderAckedNote } from "../render/alerts.js";
import { renderOutboxMessage } from "../render/outbox-message.js";
import { renderOnCall, renderTaken } from "../render/oncall.js";
import { hasRole } from "../roles.js";
import { runbookKeyboard } from "../oncall-pager.js";

const MAX_TAKE_MS = 30 * 86_400_000;

/** Replies in the sender's language; what reaches the alert group in `group` (BOT_LOCALE's). */
export function oncallRotaFeature(deps: {
  desk: OnCallDesk;
  group: Translator;
  clock: Clock;
  alertGroup: Destination;
  runbookUrl?: string | undefined;
}) {
  const { desk, clock, group } = deps;
  const { tz } = desk.rotaSettings;
  const html = { parse_mode: "HTML" } as const;
  const feature = new Composer<BotContext>();

  handleCommand(feature, "oncall", async (ctx) => {
    const [verb, durationText, ...rest] = ctx.match
      .trim()
      .split(/\s+/)
      .filter((p) => p !== "");
    const { lang } = ctx;
    const usage = lang.t("oncall-usage");
    if (verb === undefined) {
      const now = await desk.onCallAt(clock.now());
      return ctx.reply(now ? renderOnCall(lang, now, tz) : lang.t("oncall-no-rota"), html);
    }
    if (verb !== "take" || rest.length > 0) return ctx.reply(usage);
    if (!hasRole(ctx.role, "operator")) return ctx.reply(lang.t("auth-refusal"));
    const durationMs = durationText === undefined ? undefined : parseDuration(durationText);
    if (durationText !== undefined && (durationMs === undefined || durationMs === 0)) {
      return ctx.reply(`⛔ ${lang.t("oncall-not-a-duration", { text: durationText })} ${usage}`);
    }
    if (durationMs !== undefined && durationMs > MAX_TAKE_MS) {
      return ctx.reply(`⛔ ${lang.t("oncall-take-too-long")}`);
    }
    const taken = await desk.take(actorOf(ctx), durationMs, clock.now());
    if (!taken) return ctx.reply(lang.t("oncall-no-rota"), html);
    await ctx.reply(renderTaken(lang, taken, tz), html);
    const to = deps.alertGroup;
    if (to.chatId !== undefined && to.chatId !== ctx.chat.id) {
      await ctx.api.sendMessage(to.chatId, renderTaken(group, taken, tz), {
        ...html,
        ...(to.threadId !== undefined ? { message_thread_id: to.threadId } : {}),
      });
    }
  });

  const unknownPage = (ctx: BotContext) =>
    ctx.answerCallbackQuery({ text: ctx.lang.t("oncall-page-unknown"), show_alert: true });

  // The paged person may ack their own page (a viewer too); anyone else must be an operator.
  feature.callbackQuery(PAGE_ACK_BUTTON, requireRole("viewer"), async (ctx) => {
    const stepId = Number(PAGE_ACK_BUTTON.exec(ctx.callbackQuery.data)?.[1]);
    const message = ctx.callbackQuery.message;
    if (!message || !ctx.chat) return unknownPage(ctx);
    const press = { stepId, chatId: ctx.chat.id, messageId: message.message_id };
    const who = actorOf(ctx);
    const may = (pagedTo: number | null) => pagedTo === who.id || hasRole(ctx.role, "operator");
    const now = clock.now();
    const acked = await desk.ackPage(press, who, now, may);
    if (acked === undefined) return unknownPage(ctx);
    if (acked === "refused")
      return ctx.answerCallbackQuery({ text: ctx.lang.t("auth-refusal"), show_alert: true });
    await ctx.answerCallbackQuery({
      text: ctx.lang.t(acked.acked > 0 ? "oncall-page-acked" : "alerts-already-acked"),
    });
    // The page keeps its runbook buttons; the Ack goes.
    const links = runbookKeyboard(ctx.lang, acked.row.alerts, deps.runbookUrl);
    await ctx
      .editMessageReplyMarkup(links ? { reply_markup: links } : {})
      .catch((error: unknown) => ctx.log.warn({ err: error }, "could not edit the page"));
    if (acked.acked === 0 || acked.groupChatId === undefined || acked.row.messageId === null)
      return;
    // The group's alert message says who acked it, as its own Ack button would.
    const { row } = acked;
    const groupChatId = acked.groupChatId;
    const messageId = row.messageId!;
    const notification = { outboxId: row.id, kind: row.kind, alerts: row.alerts };
    const note = renderAckedNote(group, who.name, now);
    const text = renderOutboxMessage(row.kind, row.alerts, now, group, note);
    const keyboard = { lang: group, runbookUrl: deps.runbookUrl, ack: false };
    await postWithKeyboard(notification, keyboard, (markup) =>
      ctx.api.editMessageText(groupChatId, messageId, text, { ...html, ...markup }),
    ).catch((error: unknown) =>
      ctx.log.warn({ err: error }, "could not edit the group's alert message"),
    );
  });
  return feature;
}
