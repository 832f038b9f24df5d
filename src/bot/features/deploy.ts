import { Composer, InlineKeyboard } from "grammy";
import type { Action } from "../../executor/actions-store.js";
import type { Executor } from "../../executor/create-executor.js";
import type { RequestResult } from "../../executor/types.js";
import type { Clock } from "../../clock.js";
import type { Languages } from "../../i18n/languages.js";
import type { Translator } from "../../i18n/translator.js";
import { ACTION_BUTTON, actionButton, parseActionButton } from "../callback-data.js";
import { actorOf, topicOf } from "../actor.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { code, escapeHtml, htmlToPlain, truncateText } from "../format/html.js";
import { requireRole } from "../middleware/auth.js";
import {
  kindNoun,
  renderBusy,
  renderExpired,
  renderHistory,
  renderPending,
  renderRefusedRequest,
  renderRunning,
} from "../render/actions.js";

export interface DeployDeps {
  executor: Executor;
  clock: Clock;
  approval: "self" | "other";
  defaultRef: string;
  /**
   * Replies are in the caller's language (ctx.lang); the action's progress, which the
   * reporter goes on editing in the group, is in BOT_LOCALE's from its first edit.
   */
  languages: Pick<Languages, "group" | "translator">;
}

const html = { parse_mode: "HTML" } as const;

/** The answer to a request, in the requester's language: Confirm/Cancel, or why not. */
export function renderRequest(
  result: RequestResult,
  deps: Pick<DeployDeps, "approval" | "clock">,
  lang: Translator,
) {
  if (result.ok) {
    const keyboard = new InlineKeyboard()
      .text(lang.t("action-button-confirm"), actionButton("confirm", result.action.id))
      .text(lang.t("action-button-cancel"), actionButton("cancel", result.action.id));
    return { text: renderPending(result.action, deps.approval, lang), keyboard };
  }
  if (result.reason === "busy") return { text: renderBusy(result.busy, deps.clock.now(), lang) };
  return { text: renderRefusedRequest(result, lang) };
}

/** Request, then offer Confirm/Cancel on one message whose id the action keeps. */
async function offerAction(ctx: BotContext, deps: DeployDeps, kind: Action["kind"], ref: string) {
  const result = await deps.executor.request({
    kind,
    ref,
    requester: actorOf(ctx),
    chatId: ctx.chat!.id,
    ...topicOf(ctx),
  });
  const { text, keyboard } = renderRequest(result, deps, ctx.lang);
  const sent = await ctx.reply(text, { ...html, ...(keyboard ? { reply_markup: keyboard } : {}) });
  if (result.ok) await deps.executor.setMessage(result.action.id, sent.message_id);
}

export function deployFeature(deps: DeployDeps) {
  const { executor, clock } = deps;
  const feature = new Composer<BotContext>();

  handleCommand(feature, "deploy", async (ctx) => {
    // Only the leading space is dropped: a trailing newline is part of the ref, and refused.
    const ref = ctx.match === "" ? deps.defaultRef : ctx.match;
    await offerAction(ctx, deps, "deploy", ref);
  });

  handleCommand(feature, "history", async (ctx) => {
    await ctx.reply(renderHistory(await deps.executor.history(10), clock.now(), ctx.lang), html);
  });

  feature.callbackQuery(ACTION_BUTTON, requireRole("operator"), async (ctx) => {
    const button = parseActionButton(ctx.callbackQuery.data)!;
    const message = ctx.callbackQuery.message;
    const at = { chatId: ctx.chat?.id ?? 0, messageId: message?.message_id ?? 0 };
    const actor = actorOf(ctx);

    if (button.verb === "rollback") {
      const ref = await deps.executor.previousGoodRef(button.id);
      if (!ref)
        return ctx.answerCallbackQuery({
          text: ctx.lang.t("action-no-rollback-target"),
          show_alert: true,
        });
      await ctx.answerCallbackQuery();
      return offerAction(ctx, deps, "rollback", ref);
    }
    if (button.verb === "cancel") {
      const cancelled = await executor.cancel(button.id, actor, at);
      if (!cancelled)
        return ctx.answerCallbackQuery({
          text: ctx.lang.t("action-refusal-not_pending"),
          show_alert: true,
        });
      await ctx.answerCallbackQuery({ text: ctx.lang.t("action-cancelled") });
      const by = {
        name: escapeHtml(actor.name),
        kind: kindNoun(cancelled.kind, ctx.lang),
        ref: code(cancelled.ref),
      };
      return ctx.editMessageText(ctx.lang.t("action-cancelled-by", by), html);
    }
    const result = await executor.confirm(button.id, actor, at);
    if (result.ok) {
      // Claimed: it starts whatever Telegram says to these calls (a press older than ~15 s
      // cannot be answered), and only after them, so no progress edit overtakes them. The
      // script runs detached and reports by editing this message.
      try {
        await ctx
          .answerCallbackQuery({ text: ctx.lang.t("action-confirmed") })
          .catch((error: unknown) =>
            ctx.log.warn({ err: error }, "could not answer the Confirm press"),
          );
        await ctx.editMessageText(renderRunning(result.action, "", 0, deps.languages.group), html);
      } finally {
        executor.start(result.action);
      }
      return;
    }
    if (result.reason === "busy") {
      const text = truncateText(htmlToPlain(renderBusy(result.busy, clock.now(), ctx.lang)), 200);
      return ctx.answerCallbackQuery({ text, show_alert: true });
    }
    await ctx.answerCallbackQuery({
      text: ctx.lang.t(`action-refusal-${result.reason}`),
      show_alert: true,
    });
    if (result.reason === "expired" && result.action) {
      // Like the reporter's own "expired" edit: the group's language.
      await ctx.editMessageText(renderExpired(result.action, deps.languages.group), html);
    }
  });
  return feature;
}
