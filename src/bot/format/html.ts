/** Telegram HTML formatting lives here: escaping, emphasis, and the 4096 limit. */

export const MESSAGE_LIMIT = 4096;

export function escapeHtml(value: unknown): string {
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

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
}

/**
 * Joins already-formatted lines into one message that never exceeds the limit: lines
 * that do not fit are cut and counted as "+N more".
 */
export function fitLines(lines: readonly string[], options: FitOptions = {}): string {
  const limit = options.limit ?? MESSAGE_LIMIT;
  const wrap = options.wrap ?? ((body: string) => body);
  const hidden = options.hidden ?? 0;
  const compose = (kept: readonly string[], cut: number) =>
    [
      options.header,
      kept.length > 0 ? wrap(kept.join("\n")) : undefined,
      cut + hidden > 0 ? italic(`+${cut + hidden} more`) : undefined,
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
  return message.length <= limit ? message : truncateText(message, limit);
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
