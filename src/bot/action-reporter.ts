import { InlineKeyboard, InputFile, type Api } from "grammy";
import type { Action } from "../executor/actions-store.js";
import type { ActionReporter } from "../executor/reporter.js";
import type { Translator } from "../i18n/translator.js";
import { actionButton } from "./callback-data.js";
import {
  renderExpired,
  renderFinished,
  renderInterrupted,
  renderLogCaption,
  renderRunning,
  renderVerify,
} from "./render/actions.js";

const html = { parse_mode: "HTML" } as const;

/**
 * Reports an action in its chat: one message edited as it runs, then the verdict. `lang` is
 * BOT_LOCALE's: these are posted in the group for everyone there, and the script runs
 * detached, with no update (no person) at hand.
 */
export function createActionReporter(getApi: () => Api, lang: Translator): ActionReporter {
  const thread = (a: Action) => (a.threadId !== null ? { message_thread_id: a.threadId } : {});
  const edit = async (a: Action, text: string) => {
    if (a.messageId === null) await getApi().sendMessage(a.chatId, text, { ...html, ...thread(a) });
    else await getApi().editMessageText(a.chatId, a.messageId, text, html);
  };

  return {
    progress: (action, tail, elapsedMs) =>
      edit(action, renderRunning(action, tail, elapsedMs, lang)),
    async finished(action, result, log) {
      await edit(action, renderFinished(action, result, log !== undefined, lang));
      if (log !== undefined) {
        await getApi().sendDocument(
          action.chatId,
          new InputFile(log, `${action.kind}-${action.ref.replace(/\//g, "_")}.log`),
          { caption: renderLogCaption(action, lang), ...thread(action) },
        );
      }
    },
    async verified(action, verdict) {
      const offer = verdict.healthy ? undefined : verdict.rollbackRef;
      await getApi().sendMessage(action.chatId, renderVerify(action, verdict, lang), {
        ...html,
        ...thread(action),
        ...(offer !== undefined
          ? {
              reply_markup: new InlineKeyboard().text(
                lang.t("action-button-rollback", { ref: offer }),
                actionButton("rollback", action.id),
              ),
            }
          : {}),
      });
    },
    async expired(action) {
      if (action.messageId !== null) await edit(action, renderExpired(action, lang));
    },
    async interrupted(action) {
      await getApi().sendMessage(action.chatId, renderInterrupted(action, lang), {
        ...html,
        ...thread(action),
      });
    },
  };
}
