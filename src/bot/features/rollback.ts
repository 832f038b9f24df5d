import {
  conversations,
  createConversation,
  type Conversation,
  type ConversationData,
  type VersionedStateStorage,
} from "@grammyjs/conversations";
import { Composer, InlineKeyboard, type Context } from "grammy";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { code } from "../format/html.js";
import { hasRole, roleOf, type AccessLists } from "../roles.js";
import { actorOf, topicOf } from "../actor.js";
import { renderRollbackTarget } from "../render/actions.js";
import { renderRequest, type DeployDeps } from "./deploy.js";

const PICK = /^rbpick:(\d{1,2}|x)$/;
const html = { parse_mode: "HTML" } as const;

export interface RollbackDeps extends DeployDeps {
  access: AccessLists;
  /** Where open dialogues are kept between updates. */
  dialogues: VersionedStateStorage<string, ConversationData>;
  /** How long the choice stays open. */
  choiceMs: number;
}

/**
 * /rollback as a dialogue: pick one of the last successful deploys, then the same
 * Confirm/Cancel step as /deploy. /cancel always leaves it.
 */
export function rollbackFeature(deps: RollbackDeps) {
  const { executor } = deps;

  async function rollback(conversation: Conversation<BotContext, Context>, ctx: Context) {
    // The dialogue's context is a plain one (no ctx.lang): the language it began in, held in
    // the outside context of the update that entered it, which replays do not change.
    const locale = await conversation.external((outside) => outside.lang.locale);
    const lang = deps.languages.translator(locale);
    const targets = await conversation.external(() => executor.rollbackTargets(5));
    if (targets.length === 0) {
      await ctx.reply(lang.t("action-no-rollback-target"));
      return;
    }
    const keyboard = new InlineKeyboard();
    targets.forEach((target, i) =>
      keyboard.text(renderRollbackTarget(target, lang), `rbpick:${i}`).row(),
    );
    keyboard.text(lang.t("action-button-cancel"), "rbpick:x");
    const picker = await ctx.reply(lang.t("rollback-picker"), { reply_markup: keyboard });

    for (;;) {
      const next = await conversation.wait({ maxMilliseconds: deps.choiceMs });
      const pick = PICK.exec(next.callbackQuery?.data ?? "");
      // Anything else from this person goes on to the rest of the bot.
      if (!pick) await conversation.skip({ next: true });
      // A button of an older picker indexes another list: never read it against this one.
      if (next.callbackQuery?.message?.message_id !== picker.message_id) {
        await next.answerCallbackQuery({ text: lang.t("rollback-list-closed"), show_alert: true });
        continue;
      }
      // Re-authorised at press time, like every button.
      if (!hasRole(roleOf(deps.access, { from: next.from }), "operator")) {
        await next.answerCallbackQuery({
          text: lang.t("rollback-operators-only"),
          show_alert: true,
        });
        continue;
      }
      await next.answerCallbackQuery();
      const ref = pick?.[1] === "x" ? undefined : targets[Number(pick?.[1])]?.ref;
      if (ref === undefined) {
        await next.editMessageText(lang.t("rollback-cancelled"));
        return;
      }
      const result = await conversation.external(() =>
        executor.request({
          kind: "rollback",
          ref,
          requester: actorOf(next),
          chatId: next.chat!.id,
          ...topicOf(next),
        }),
      );
      const { text, keyboard: confirm } = renderRequest(result, deps, lang);
      await next.editMessageText(lang.t("rollback-to", { ref: code(ref) }), html);
      const sent = await next.reply(text, {
        ...html,
        ...(confirm ? { reply_markup: confirm } : {}),
      });
      if (result.ok)
        await conversation.external(() => executor.setMessage(result.action.id, sent.message_id));
      return;
    }
  }

  // Only updates that can belong to the dialogue reach it: every other update is spared
  // a storage read (and keeps working while PostgreSQL is down).
  const feature = new Composer<BotContext>();
  const dialogue = feature.filter(
    (ctx) => PICK.test(ctx.callbackQuery?.data ?? "") || ctx.hasCommand(["rollback", "cancel"]),
  );
  dialogue.use(
    conversations<BotContext, Context>({
      storage: {
        type: "key",
        // 2: the dialogue's first step now reads its language. A dialogue stored by an
        // older version would replay its steps out of order: it is dropped instead.
        version: 2,
        // One dialogue per person per chat: others in a group are not held up by it.
        getStorageKey: (ctx) =>
          ctx.chat && ctx.from ? `${ctx.chat.id}:${ctx.from.id}` : undefined,
        adapter: deps.dialogues,
      },
    }),
  );
  // Between conversations() and createConversation(): it escapes an active dialogue.
  handleCommand(dialogue, "cancel", async (ctx) => {
    const active = Object.keys(ctx.conversation.active()).length > 0;
    await ctx.conversation.exitAll();
    await ctx.reply(ctx.lang.t(active ? "rollback-cancel-done" : "rollback-cancel-nothing"));
  });
  dialogue.use(createConversation(rollback, "rollback"));
  handleCommand(dialogue, "rollback", async (ctx) => {
    await ctx.conversation.exitAll();
    await ctx.conversation.enter("rollback");
  });
  return feature;
}
