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
import { REFUSAL, requireRole } from "../middleware/auth.js";
import { renderAckedNote } from "../render/alerts.js";
import { renderOutboxMessage } from "../render/flapping.js";
import { NO_ROTA, renderOnCall, renderTaken } from "../render/oncall.js";
import { hasRole } from "../roles.js";
import { runbookKeyboard } from "../oncall-pager.js";

export const ONCALL_USAGE =
  "Usage: /oncall, or /oncall take [DURATION] — e.g. /oncall take 8h (90s, 30m, 8h, 2d; default: until the next handover)";

const MAX_TAKE_MS = 30 * 86_400_000;

export function oncallRotaFeature(deps: {
  desk: OnCallDesk;
  clock: Clock;
  alertGroup: Destination;
  runbookUrl?: string | undefined;
  /** BOT_LOCALE's: the group's alert message, edited, stays in its language. */
  groupLanguage: Translator;
}) {
  const { desk, clock } = deps;
  const { tz } = desk.rotaSettings;
  const html = { parse_mode: "HTML" } as const;
  const feature = new Composer<BotContext>();

  handleCommand(feature, "oncall", async (ctx) => {
    const [verb, durationText, ...rest] = ctx.match
      .trim()
      .split(/\s+/)
      .filter((p) => p !== "");
    if (verb === undefined) {
      const now = await desk.onCallAt(clock.now());
      return ctx.reply(now ? renderOnCall(now, tz) : NO_ROTA, html);
    }
    if (verb !== "take" || rest.length > 0) return ctx.reply(ONCALL_USAGE);
    if (!hasRole(ctx.role, "operator")) return ctx.reply(REFUSAL);
    const durationMs = durationText === undefined ? undefined : parseDuration(durationText);
    if (durationText !== undefined && (durationMs === undefined || durationMs === 0)) {
      return ctx.reply(`⛔ "${durationText}" is not a duration. ${ONCALL_USAGE}`);
    }
    if (durationMs !== undefined && durationMs > MAX_TAKE_MS) {
      return ctx.reply("⛔ A shift may be taken for at most 30d.");
    }
    const taken = await desk.take(actorOf(ctx), durationMs, clock.now());
    if (!taken) return ctx.reply(NO_ROTA, html);
    const text = renderTaken(taken, tz);
    await ctx.reply(text, html);
    const group = deps.alertGroup;
    if (group.chatId !== undefined && group.chatId !== ctx.chat.id) {
      await ctx.api.sendMessage(group.chatId, text, {
        ...html,
        ...(group.threadId !== undefined ? { message_thread_id: group.threadId } : {}),
      });
    }
  });

  const unknownPage = { text: "That page is not known here.", show_alert: true };

  // The paged person may ack their own page (a viewer too); anyone else must be an operator.
  feature.callbackQuery(PAGE_ACK_BUTTON, requireRole("viewer"), async (ctx) => {
    const stepId = Number(PAGE_ACK_BUTTON.exec(ctx.callbackQuery.data)?.[1]);
    const message = ctx.callbackQuery.message;
    if (!message || !ctx.chat) return ctx.answerCallbackQuery(unknownPage);
    const press = { stepId, chatId: ctx.chat.id, messageId: message.message_id };
    const who = actorOf(ctx);
    const may = (pagedTo: number | null) => pagedTo === who.id || hasRole(ctx.role, "operator");
    const now = clock.now();
    const acked = await desk.ackPage(press, who.name, now, may);
    if (acked === undefined) return ctx.answerCallbackQuery(unknownPage);
    if (acked === "refused") return ctx.answerCallbackQuery({ text: REFUSAL, show_alert: true });
    await ctx.answerCallbackQuery({
      text:
        acked.acked > 0
          ? "Acknowledged: no more pages for it."
          : "Already acknowledged or resolved.",
    });
    // The page keeps its runbook buttons; the Ack goes.
    const links = runbookKeyboard(acked.row.alerts, deps.runbookUrl);
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
    const text = renderOutboxMessage(
      row.kind,
      row.alerts,
      now,
      deps.groupLanguage,
      renderAckedNote(who.name, now),
    );
    await postWithKeyboard(notification, { runbookUrl: deps.runbookUrl, ack: false }, (markup) =>
      ctx.api.editMessageText(groupChatId, messageId, text, { ...html, ...markup }),
    ).catch((error: unknown) =>
      ctx.log.warn({ err: error }, "could not edit the group's alert message"),
    );
  });
  return feature;
}
