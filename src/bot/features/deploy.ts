import { Composer, InlineKeyboard } from "grammy";
import type { Action } from "../../executor/actions-store.js";
import type { Executor } from "../../executor/create-executor.js";
import type { RequestResult } from "../../executor/types.js";
import type { Clock } from "../../clock.js";
import { ACTION_BUTTON, actionButton, parseActionButton } from "../callback-data.js";
import { actorOf, topicOf } from "../actor.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { escapeHtml, htmlToPlain, truncateText } from "../format/html.js";
import { requireRole } from "../middleware/auth.js";
import {
  renderBusy,
  renderExpired,
  renderHistory,
  renderPending,
  renderRunning,
} from "../render/actions.js";

export interface DeployDeps {
  executor: Executor;
  clock: Clock;
  approval: "self" | "other";
  defaultRef: string;
}

const html = { parse_mode: "HTML" } as const;

/** The answer to a request: Confirm/Cancel for a pending action, or why not. */
export function renderRequest(result: RequestResult, deps: Pick<DeployDeps, "approval" | "clock">) {
  if (result.ok) {
    const keyboard = new InlineKeyboard()
      .text("Confirm", actionButton("confirm", result.action.id))
      .text("Cancel", actionButton("cancel", result.action.id));
    return { text: renderPending(result.action, deps.approval), keyboard };
  }
  if (result.reason === "busy") return { text: renderBusy(result.busy, deps.clock.now()) };
  if (result.reason === "bad_ref")
    return { text: `⛔ Refused: the ref ${escapeHtml(result.detail)}. Nothing was run.` };
  return { text: `⚙️ ${escapeHtml(result.detail)}. Nothing was stored.` };
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
  const { text, keyboard } = renderRequest(result, deps);
  const sent = await ctx.reply(text, { ...html, ...(keyboard ? { reply_markup: keyboard } : {}) });
  if (result.ok) await deps.executor.setMessage(result.action.id, sent.message_id);
}

const CONFIRM_REFUSAL: Record<string, string> = {
  unknown: "This action is not known here.",
  wrong_message: "This button does not belong to this action.",
  same_operator: "Two-person rule: another operator must confirm.",
  expired: "This request expired. Send the command again.",
  not_pending: "This action was already handled.",
};

export function deployFeature(deps: DeployDeps) {
  const { executor, clock } = deps;
  const feature = new Composer<BotContext>();

  handleCommand(feature, "deploy", async (ctx) => {
    // Only the leading space is dropped: a trailing newline is part of the ref, and refused.
    const ref = ctx.match === "" ? deps.defaultRef : ctx.match;
    await offerAction(ctx, deps, "deploy", ref);
  });

  handleCommand(feature, "history", async (ctx) => {
    await ctx.reply(renderHistory(await deps.executor.history(10), clock.now()), html);
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
          text: "No earlier successful deploy to roll back to.",
          show_alert: true,
        });
      await ctx.answerCallbackQuery();
      return offerAction(ctx, deps, "rollback", ref);
    }
    if (button.verb === "cancel") {
      const cancelled = await executor.cancel(button.id, actor, at);
      if (!cancelled)
        return ctx.answerCallbackQuery({ text: CONFIRM_REFUSAL.not_pending!, show_alert: true });
      await ctx.answerCallbackQuery({ text: "Cancelled." });
      return ctx.editMessageText(
        `✖️ Cancelled by ${escapeHtml(actor.name)}: ${cancelled.kind} <code>${escapeHtml(cancelled.ref)}</code>.`,
        html,
      );
    }
    const result = await executor.confirm(button.id, actor, at);
    if (result.ok) {
      // Claimed: it starts whatever Telegram says to these calls (a press older than ~15 s
      // cannot be answered), and only after them, so no progress edit overtakes them. The
      // script runs detached and reports by editing this message.
      try {
        await ctx
          .answerCallbackQuery({ text: "Confirmed: running." })
          .catch((error: unknown) =>
            ctx.log.warn({ err: error }, "could not answer the Confirm press"),
          );
        await ctx.editMessageText(renderRunning(result.action, "", 0), html);
      } finally {
        executor.start(result.action);
      }
      return;
    }
    if (result.reason === "busy") {
      const text = truncateText(htmlToPlain(renderBusy(result.busy, clock.now())), 200);
      return ctx.answerCallbackQuery({ text, show_alert: true });
    }
    await ctx.answerCallbackQuery({ text: CONFIRM_REFUSAL[result.reason]!, show_alert: true });
    if (result.reason === "expired" && result.action) {
      await ctx.editMessageText(renderExpired(result.action), html);
    }
  });
  return feature;
}
