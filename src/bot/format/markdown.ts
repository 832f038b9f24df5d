/** Markdown (CommonMark) for documents opsbot sends as files, such as a postmortem. */

/**
 * A dynamic value as literal text inside a line: what could start inline syntax (emphasis,
 * code, links, HTML, entities) or end a table cell is escaped. Values never start a line
 * here, so block markers (#, -, 1.) need nothing.
 */
export const escapeMarkdown = (value: unknown) =>
  String(value)
    .replace(/[\\`*_[\]<>|~&]/g, "\\$&")
    .replace(/\r?\n/g, " ");

/** An identifier (a fingerprint, a ref) as inline code; a backtick inside widens the fence. */
export function inlineCode(value: unknown): string {
  const text = String(value).replace(/\r?\n/g, " ");
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${fence === "``" ? ` ${text} ` : text}${fence}`;
}
