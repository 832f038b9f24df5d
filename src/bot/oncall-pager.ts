/** The on-call pager over the Bot API: handovers, private pages, group escalations. */
import { GrammyError, InlineKeyboard, type Api } from "grammy";
import type { Destination } from "../alerts/routes.js";
import type { Clock } from "../clock.js";
import type { Translator } from "../i18n/translator.js";
import type { Logger } from "../log/create-logger.js";
import type { Escalation, PageResult, Pager } from "../oncall/pager.js";
import { alertKeyboard, failureOf as sendFailureOf } from "./alert-channel.js";
import { pageAckButton } from "./callback-data.js";
import { renderGroupPage, renderHandover, renderPage, renderRefusedPage } from "./render/oncall.js";

export interface OnCallPagerOptions {
  tz: string;
  runbookUrl?: string | undefined;
  /** BOT_LOCALE's: handovers, group escalations and refusals are posted in groups. */
  group: Translator;
  /** A person's language, for their private pages; never rejects (Languages.of). */
  languageOf: (userId: number) => Promise<Translator>;
}

/** The runbook buttons of a page's alerts (no Silence nor Ack: those sit on the group's). */
export function runbookKeyboard(
  lang: Translator,
  alerts: Escalation["alerts"],
  runbookUrl: string | undefined,
  links = true,
): InlineKeyboard | undefined {
  if (!links) return undefined;
  return alertKeyboard({ outboxId: 0, kind: "firing", alerts }, { lang, runbookUrl, ack: false });
}

/** The Ack button first, then the runbook buttons. */
function pageKeyboard(
  lang: Translator,
  escalation: Escalation,
  runbookUrl: string | undefined,
  links: boolean,
) {
  const runbooks =
    runbookKeyboard(lang, escalation.alerts, runbookUrl, links)?.inline_keyboard ?? [];
  return InlineKeyboard.from([
    [InlineKeyboard.text(lang.t("alerts-button-ack"), pageAckButton(escalation.stepId))],
    ...runbooks,
  ]);
}

export function createOnCallPager(
  api: Api,
  clock: Clock,
  logger: Logger,
  options: OnCallPagerOptions,
): Pager {
  const html = { parse_mode: "HTML", link_preview_options: { is_disabled: true } } as const;
  const { group } = options;

  /** Sends, or only logs without a chat; Telegram's answer as a PageResult. */
  async function post(
    to: Destination,
    text: string,
    extra: { disable_notification?: boolean; reply_markup?: InlineKeyboard } = {},
  ): Promise<PageResult> {
    if (to.chatId === undefined) {
      logger.info({ text }, "on-call message (no ALERT_CHAT_ID)");
      return { ok: true };
    }
    try {
      const message = await api.sendMessage(to.chatId, text, {
        ...html,
        ...(to.threadId !== undefined ? { message_thread_id: to.threadId } : {}),
        ...extra,
      });
      return { ok: true, chatId: message.chat.id, messageId: message.message_id };
    } catch (error) {
      return failureOf(error);
    }
  }

  /** A message with alerts' runbook buttons, sent again without them if Telegram refuses one. */
  async function postWithLinks(
    to: Destination,
    text: string,
    keyboard: (links: boolean) => InlineKeyboard | undefined,
    extra: { disable_notification?: boolean } = {},
  ): Promise<PageResult> {
    const withLinks = keyboard(true);
    const first = await post(to, text, {
      ...extra,
      ...(withLinks ? { reply_markup: withLinks } : {}),
    });
    if (first.ok || !first.refused || !/BUTTON_URL_INVALID|button URL/i.test(first.error)) {
      return first;
    }
    const without = keyboard(false);
    return post(to, text, { ...extra, ...(without ? { reply_markup: without } : {}) });
  }

  return {
    handover: (to, handover) =>
      post(to, renderHandover(group, handover, options.tz), { disable_notification: true }),
    async page(userId, escalation) {
      const lang = await options.languageOf(userId);
      return postWithLinks({ chatId: userId }, renderPage(lang, escalation, clock.now()), (links) =>
        pageKeyboard(lang, escalation, options.runbookUrl, links),
      );
    },
    pageGroup: (to, escalation, mentions) =>
      postWithLinks(
        to,
        renderGroupPage(group, escalation, mentions, clock.now()),
        (links) => runbookKeyboard(group, escalation.alerts, options.runbookUrl, links),
        { disable_notification: false },
      ),
    refused: (to, userId, error) => post(to, renderRefusedPage(group, userId, error)),
  };
}

/**
 * Telegram's answer as the alert senders read it; refused when it will not take the message
 * as it is (a 4xx but 429), else tried again later.
 */
function failureOf(error: unknown): PageResult {
  const failure = sendFailureOf(error);
  const { retryAfterSeconds } = failure;
  const tooMany = error instanceof GrammyError && error.error_code === 429;
  return {
    ok: false,
    refused: !failure.transient && !tooMany,
    error: failure.error,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
}
