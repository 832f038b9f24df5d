import { GrammyError, InlineKeyboard, type Api } from "grammy";
import { AM_KIND } from "../alertmanager/payload.js";
import type { Notification, NotifierFor, SendResult } from "../alerts/notifier.js";
import type { Destination } from "../alerts/routes.js";
import { anyCritical } from "../alerts/severity.js";
import type { NotifiedAlert, Runbook } from "../alerts/types.js";
import type { Clock } from "../clock.js";
import type { Translator } from "../i18n/translator.js";
import type { Logger } from "../log/create-logger.js";
import { ackButton, SILENCE_CHOICES, silenceButton, type SilenceChoice } from "./callback-data.js";
import { oneLine, truncateText } from "./format/html.js";
import { renderOutboxMessage } from "./render/outbox-message.js";

const MAX_RUNBOOK_BUTTONS = 3;
/** A runbook button is titled with its alert's name, which may be any length. */
const BUTTON_TITLE_MAX = 40;

export interface AlertKeyboardOptions {
  /** The language of the message the buttons sit on. */
  lang: Translator;
  /** RUNBOOK_URL: a template with {kind}. */
  runbookUrl?: string | undefined;
  /** false once acknowledged: the Ack button goes, Silence and runbooks stay. */
  ack: boolean;
  /** false: no runbook links at all (Telegram refused one). */
  links?: boolean;
}

/**
 * Silence 1h / 24h and Ack on firing and repeat messages sent through the outbox; runbook
 * links (at most 3) on any message.
 */
export function alertKeyboard(
  notification: Notification,
  options: AlertKeyboardOptions,
): InlineKeyboard | undefined {
  const keyboard = new InlineKeyboard();
  let empty = true;
  if (notification.kind !== "resolved" && notification.outboxId > 0) {
    for (const choice of Object.keys(SILENCE_CHOICES) as SilenceChoice[]) {
      keyboard.text(
        options.lang.t("alerts-button-silence", { hours: SILENCE_CHOICES[choice] / 3_600_000 }),
        silenceButton(notification.outboxId, choice),
      );
    }
    if (options.ack) {
      keyboard.text(options.lang.t("alerts-button-ack"), ackButton(notification.outboxId));
    }
    empty = false;
  }
  const links =
    options.links === false ? [] : runbookLinks(notification.alerts, options.runbookUrl);
  if (!empty && links.length > 0) keyboard.row();
  for (const link of links) {
    keyboard.url(`📖 ${truncateText(oneLine(link.title), BUTTON_TITLE_MAX)}`, link.url);
    empty = false;
  }
  return empty ? undefined : keyboard;
}

/**
 * Posts an alert message (`post`: a send or an edit) with its keyboard; when Telegram
 * refuses one of its runbook links (a host without a dot, such as http://wiki/…), once more
 * at once without runbook links: the alert, or its Ack, matters more than its link, and a
 * 400 would hold it back. `onRefused` hears of the refusal.
 */
export async function postWithKeyboard<T>(
  notification: Notification,
  options: AlertKeyboardOptions,
  post: (markup: { reply_markup?: InlineKeyboard }) => Promise<T>,
  onRefused: (error: unknown) => void = () => undefined,
): Promise<T> {
  const markup = (links: boolean) => {
    const keyboard = alertKeyboard(notification, { ...options, links });
    return keyboard ? { reply_markup: keyboard } : {};
  };
  try {
    return await post(markup(true));
  } catch (error) {
    if (!refusedLink(error)) throw error;
    onRefused(error);
    return post(markup(false));
  }
}

/** The first 3 distinct links of the alerts, in their order. */
function runbookLinks(alerts: readonly NotifiedAlert[], template: string | undefined): Runbook[] {
  const links = new Map<string, Runbook>();
  for (const alert of alerts) {
    if (links.size === MAX_RUNBOOK_BUTTONS) break;
    const link = linkOf(alert, template);
    if (link && !links.has(link.url)) links.set(link.url, link);
  }
  return [...links.values()];
}

/**
 * An alert's own runbook, else its kind's from the RUNBOOK_URL template. Alertmanager's
 * alerts are all of one kind, of which the template knows nothing: no link without their own.
 */
function linkOf(alert: NotifiedAlert, template: string | undefined): Runbook | undefined {
  if (alert.runbook) return alert.runbook;
  if (template === undefined || alert.kind === AM_KIND) return undefined;
  return { title: alert.kind, url: template.replaceAll("{kind}", encodeURIComponent(alert.kind)) };
}

/**
 * The Telegram notifier: one per destination (a chat, and a forum topic in it), written in
 * `lang` (BOT_LOCALE's: alerts go to groups). A message of warnings only is sent quietly;
 * one with a critical alert makes a sound. The Api given here must not retry by itself:
 * the outbox decides when to try again.
 */
export function createTelegramNotifiers(
  api: Api,
  clock: Clock,
  logger: Logger,
  options: { lang: Translator; runbookUrl?: string | undefined },
): NotifierFor {
  const { lang } = options;
  return (destination: Destination) => ({
    async send(notification): Promise<SendResult> {
      const text = renderOutboxMessage(notification.kind, notification.alerts, clock.now(), lang);
      if (destination.chatId === undefined) {
        logger.info(
          { kind: notification.kind, alerts: notification.alerts.length, text },
          "alert (no ALERT_CHAT_ID nor route for it)",
        );
        return { ok: true };
      }
      const { chatId } = destination;
      const keyboardOptions = { lang, runbookUrl: options.runbookUrl, ack: true };
      try {
        const message = await postWithKeyboard(
          notification,
          keyboardOptions,
          (markup) =>
            api.sendMessage(chatId, text, {
              parse_mode: "HTML",
              link_preview_options: { is_disabled: true },
              disable_notification: !anyCritical(notification.alerts),
              ...(destination.threadId !== undefined
                ? { message_thread_id: destination.threadId }
                : {}),
              ...markup,
            }),
          (error) =>
            logger.warn(
              { error: errorText(error), alerts: notification.alerts.map((a) => a.fingerprint) },
              "Telegram refused a runbook link; alert sent without runbook links",
            ),
        );
        return { ok: true, messageId: message.message_id };
      } catch (error) {
        return failureOf(error);
      }
    },
  });
}

/** Telegram's 400 for a URL button it will not take. */
const refusedLink = (error: unknown) =>
  error instanceof GrammyError &&
  error.error_code === 400 &&
  /BUTTON_URL_INVALID|button URL/i.test(error.description);

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A failed Bot API call as the senders report it: retry_after, migration, transient or not. */
export function failureOf(error: unknown): Extract<SendResult, { ok: false }> {
  if (error instanceof GrammyError) {
    return {
      ok: false,
      error: `${error.error_code} ${error.description}`,
      transient: error.error_code >= 500,
      ...(error.parameters.retry_after !== undefined
        ? { retryAfterSeconds: error.parameters.retry_after }
        : {}),
      ...(error.parameters.migrate_to_chat_id !== undefined
        ? { migrateToChatId: error.parameters.migrate_to_chat_id }
        : {}),
    };
  }
  // Network trouble: the message may or may not have arrived; try again next tick.
  return {
    ok: false,
    error: errorText(error),
    transient: true,
  };
}
