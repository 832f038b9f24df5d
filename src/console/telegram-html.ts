// Telegram's HTML parse mode, modelled on what the Bot API server (tdlib) accepts and
// rejects, with its error texts and byte offsets. Unknown `&...;` references stay as
// literal text, as they do on Telegram.

export interface TelegramEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export type ParsedHtml =
  { ok: true; text: string; entities: TelegramEntity[] } | { ok: false; error: string };

const ENTITY_TYPE: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  span: "spoiler",
  "tg-spoiler": "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};

// Telegram's order for entities sharing one span.
const ENTITY_ORDER = [
  "blockquote",
  "expandable_blockquote",
  "pre",
  "code",
  "text_link",
  "bold",
  "italic",
  "underline",
  "strikethrough",
  "spoiler",
  "custom_emoji",
];

const NAMED_REFERENCES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface OpenTag {
  name: string;
  argument: string;
  offset: number;
}

class ParseError extends Error {}

const isSpace = (c: string | undefined) =>
  c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\f" || c === "\v";

/** Decodes the character reference at `at` (an `&`); null when it is not one Telegram knows. */
function decodeReference(s: string, at: number): { char: string; end: number } | null {
  let i = at + 1;
  let code: number | undefined;
  if (s[i] === "#") {
    i++;
    const hex = s[i] === "x" || s[i] === "X";
    if (hex) i++;
    const digits = (hex ? /^[0-9a-fA-F]+/ : /^[0-9]+/).exec(s.slice(i))?.[0] ?? "";
    if (digits === "") return null;
    code = parseInt(digits, hex ? 16 : 10);
    i += digits.length;
    if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return null;
  } else {
    const name = /^[a-zA-Z]+/.exec(s.slice(i))?.[0] ?? "";
    if (!(name in NAMED_REFERENCES)) return null;
    i += name.length;
    code = NAMED_REFERENCES[name]!.codePointAt(0);
  }
  if (s[i] === ";") i++;
  return { char: String.fromCodePoint(code!), end: i };
}

export function parseTelegramHtml(html: string): ParsedHtml {
  try {
    return { ok: true, ...parse(html) };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err.message };
    throw err;
  }
}

function parse(s: string): { text: string; entities: TelegramEntity[] } {
  // Telegram reports positions in UTF-8 bytes of the input.
  const fail = (message: string, at?: number, detail = ""): never => {
    const where = at === undefined ? "" : ` at byte offset ${Buffer.byteLength(s.slice(0, at))}`;
    throw new ParseError(message + where + detail);
  };
  let out = "";
  const open: OpenTag[] = [];
  const entities: TelegramEntity[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "&") {
      const ref = decodeReference(s, i);
      out += ref?.char ?? "&";
      i = ref?.end ?? i + 1;
      continue;
    }
    if (c !== "<") {
      out += s.charAt(i);
      i++;
      continue;
    }
    const begin = i++;
    if (s[i] !== "/") {
      const nameStart = i;
      while (i < s.length && !isSpace(s[i]) && s[i] !== ">") i++;
      if (i >= s.length) fail("Unclosed start tag", begin);
      const name = s.slice(nameStart, i).toLowerCase();
      if (!(name in ENTITY_TYPE)) fail(`Unsupported start tag "${name}"`, begin);
      let argument = "";
      while (s[i] !== ">") {
        while (isSpace(s[i])) i++;
        if (i >= s.length) fail("Unclosed start tag", begin);
        if (s[i] === ">") break;
        const attrStart = i;
        while (i < s.length && !isSpace(s[i]) && s[i] !== "=" && s[i] !== ">") i++;
        const attr = s.slice(attrStart, i).toLowerCase();
        if (attr === "") fail(`Empty attribute name in the tag "${name}"`, begin);
        while (isSpace(s[i])) i++;
        if (i >= s.length) fail(`Unclosed start tag "${name}"`, begin);
        if (s[i] !== "=") {
          if (name === "blockquote" && attr === "expandable") {
            argument = "expandable";
            continue;
          }
          fail(`Expected equal sign in declaration of an attribute of the tag "${name}"`, begin);
        }
        i++;
        while (isSpace(s[i])) i++;
        if (i >= s.length) fail(`Unclosed start tag "${name}"`, begin);
        let value = "";
        const quote = s[i];
        if (quote === '"' || quote === "'") {
          i++;
          while (i < s.length && s[i] !== quote) {
            const ref = s[i] === "&" ? decodeReference(s, i) : null;
            value += ref?.char ?? s[i];
            i = ref?.end ?? i + 1;
          }
          if (i >= s.length) fail("Unclosed start tag", begin);
          i++;
        } else {
          const tokenStart = i;
          while (i < s.length && /[a-zA-Z0-9.-]/.test(s[i]!)) i++;
          if (!isSpace(s[i]) && s[i] !== ">") fail("Unexpected end of name token", tokenStart);
          value = s.slice(tokenStart, i);
        }
        if (name === "a" && attr === "href") argument = value;
        if (name === "code" && attr === "class" && value.startsWith("language-")) {
          argument = value.slice("language-".length);
        }
        if (name === "span" && attr === "class" && value.startsWith("tg-")) argument = value;
        if (name === "tg-emoji" && attr === "emoji-id") argument = value;
      }
      if (name === "span" && argument !== "tg-spoiler") {
        fail(`Tag "span" must have class "tg-spoiler"`, begin);
      }
      if (name === "tg-emoji" && !/^[1-9][0-9]{0,18}$/.test(argument)) {
        fail("Invalid custom emoji identifier specified");
      }
      open.push({ name, argument, offset: out.length });
      i++;
      continue;
    }
    i++;
    const nameStart = i;
    while (i < s.length && !isSpace(s[i]) && s[i] !== ">") i++;
    const name = s.slice(nameStart, i).toLowerCase();
    const top = open.pop();
    if (top === undefined) return fail("Unexpected end tag", begin);
    while (isSpace(s[i])) i++;
    if (s[i] !== ">") fail("Unclosed end tag", begin);
    if (name !== "" && name !== top.name) {
      fail("Unmatched end tag", begin, `, expected "</${top.name}>", found "</${name}>"`);
    }
    i++;
    const parent = open[open.length - 1];
    if (top.name === "code" && top.argument !== "" && parent?.name === "pre") {
      // <pre><code class="language-x"> becomes one pre entity carrying the language.
      if (parent.offset === top.offset) parent.argument = top.argument;
    }
    addEntity(entities, top, out.length - top.offset);
  }
  const unclosed = open.pop();
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  const rank = (e: TelegramEntity) => ENTITY_ORDER.indexOf(e.type);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length || rank(a) - rank(b));
  return { text: out, entities };
}

function addEntity(entities: TelegramEntity[], tag: OpenTag, length: number): void {
  if (length === 0) return;
  const entity: TelegramEntity = { type: ENTITY_TYPE[tag.name]!, offset: tag.offset, length };
  if (tag.name === "a") {
    if (tag.argument === "") return;
    entity.url = tag.argument;
  }
  if (tag.name === "blockquote" && tag.argument === "expandable") {
    entity.type = "expandable_blockquote";
  }
  if (tag.name === "tg-emoji") entity.custom_emoji_id = tag.argument;
  if (tag.name === "pre" && tag.argument !== "") {
    entity.language = tag.argument;
    const i = entities.findIndex((e) => e.type === "code" && e.offset === tag.offset);
    if (i >= 0) entities.splice(i, 1);
  }
  entities.push(entity);
}
