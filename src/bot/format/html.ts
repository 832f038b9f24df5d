/** Telegram HTML formatting lives here: escaping, emphasis, and the 4096 limit. */
import type { Translator } from "../../i18n/translator.js";

export const MESSAGE_LIMIT = 4096;

export function escapeHtml(value: unknown): string {
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A name shown within one line: whitespace and control characters (a newline or a tab in
 * an Alertmanager alertname) become one space, so no name adds lines to a message.
 */
export const oneLine = (value: unknown) =>
  String(value)
    .replace(/[\s\p{Cc}]+/gu, " ")
    .trim();

export const bold = (value: unknown) => `<b>${escapeHtml(value)}</b>`;
export const italic = (value: unknown) => `<i>${escapeHtml(value)}</i>`;
export const code = (value: unknown) => `<code>${escapeHtml(value)}</code>`;
export const pre = (value: unknown) => `<pre>${escapeHtml(value)}</pre>`;

export interface FitOptions {
  header?: string;
  footer?: string;
  limit?: number;
  /** Joins the kept lines (e.g. inside a <pre> block). */
  wrap?: (body: string) => string;
  /** Items already left out before formatting (a bounded query); added to "+N more". */
  hidden?: number;
  /** The reader's language, for "+N more". */
  lang: Pick<Translator, "t">;
}

/** "+N more" / "и ещё N": what a cut message says of the items it left out. */
export function moreNote(n: number, lang: Pick<Translator, "t">): string {
  return italic(lang.t("format-more", { n }));
}

/**
 * Joins already-formatted lines into one message that never exceeds the limit: lines
 * that do not fit are cut and counted as "+N more".
 */
export function fitLines(lines: readonly string[], options: FitOptions): string {
  const limit = options.limit ?? MESSAGE_LIMIT;
  const wrap = options.wrap ?? ((body: string) => body);
  const hidden = options.hidden ?? 0;
  const compose = (kept: readonly string[], cut: number) =>
    [
      options.header,
      kept.length > 0 ? wrap(kept.join("\n")) : undefined,
      cut + hidden > 0 ? moreNote(cut + hidden, options.lang) : undefined,
      options.footer,
    ]
      .filter((part) => part !== undefined && part !== "")
      .join("\n");

  const full = compose(lines, 0);
  if (full.length <= limit) return full;
  // Find the most lines that fit together with the "+N more" note.
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (compose(lines.slice(0, mid), lines.length - mid).length <= limit) low = mid;
    else high = mid - 1;
  }
  const message = compose(lines.slice(0, low), lines.length - low);
  return message.length <= limit ? message : truncateHtml(message, limit);
}

const OPEN_OR_CLOSE_TAG = /<(\/?)([a-z]+)[^>]*>/gi;

/**
 * Last resort for our own HTML that is still too long: cut at the limit, but never inside
 * a tag or an entity, and close the tags left open, so Telegram can still parse it.
 */
export function truncateHtml(html: string, limit = MESSAGE_LIMIT): string {
  if (html.length <= limit) return html;
  let room = limit - 1;
  for (;;) {
    const cut = html.slice(0, room).replace(/<[^>]*$|&[a-z0-9#]*$/i, "");
    const open: string[] = [];
    for (const [, closing, tag] of cut.matchAll(OPEN_OR_CLOSE_TAG)) {
      if (closing) open.pop();
      else open.push(tag!);
    }
    const closeTags = open
      .reverse()
      .map((tag) => `</${tag}>`)
      .join("");
    const text = `${cut}…${closeTags}`;
    if (text.length <= limit) return text;
    room -= text.length - limit;
  }
}

/** The end of a long output (where the news is), cut at a line start to fit `limit`. */
export function lastLines(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(-(limit - 2));
  const newline = cut.indexOf("\n");
  return `…\n${newline >= 0 && newline < cut.length - 1 ? cut.slice(newline + 1) : cut}`;
}

/** Last resort for one oversized block: cut plain text at the limit. */
export function truncateText(text: string, limit = MESSAGE_LIMIT): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit - 1)}…`;
}

/** Plain-text form of our own HTML, for the "can't parse entities" fallback. */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}
