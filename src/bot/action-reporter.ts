import { InlineKeyboard, InputFile, type Api } from "grammy";
import type { Action } from "../executor/actions-store.js";
import type { ActionReporter } from "../executor/reporter.js";
import { actionButton } from "./callback-data.js";
import {
  renderExpired,
  renderFinished,
  renderInterrupted,
  renderRunning,
  renderVerify,
} from "./render/actions.js";

const html = { parse_mode: "HTML" } as const;

/** Reports an action in its chat: one message edited as it runs, then the verdict. */
export function createActionReporter(getApi: () => Api): ActionReporter {
  const thread = (a: Action) => (a.threadId !== null ? { message_thread_id: a.threadId } : {});
  const edit = async (a: Action, text: string) => {
    if (a.messageId === null) await getApi().sendMessage(a.chatId, text, { ...html, ...thread(a) });
    else await getApi().editMessageText(a.chatId, a.messageId, text, html);
  };

  return {
    progress: (action, tail, elapsedMs) => edit(action, renderRunning(action, tail, elapsedMs)),
    async finished(action, result, log) {
      await edit(action, renderFinished(action, result, log !== undefined));
      if (log !== undefined) {
        await getApi().sendDocument(
          action.chatId,
          new InputFile(log, `${action.kind}-${action.ref.replace(/\//g, "_")}.log`),
          { caption: `Output of ${action.kind} ${action.ref}`, ...thread(action) },
        );
      }
    },
    async verified(action, verdict) {
      const offer = !verdict.healthy && verdict.rollbackRef !== undefined;
      await getApi().sendMessage(action.chatId, renderVerify(action, verdict), {
        ...html,
        ...thread(action),
        ...(offer
          ? {
              reply_markup: new InlineKeyboard().text(
                `Rollback to ${verdict.rollbackRef}`,
                actionButton("rollback", action.id),
              ),
            }
          : {}),
      });
    },
    async expired(action) {
      if (action.messageId !== null) await edit(action, renderExpired(action));
    },
    async interrupted(action) {
      await getApi().sendMessage(action.chatId, renderInterrupted(action), {
        ...html,
        ...thread(action),
      });
    },
  };
}
