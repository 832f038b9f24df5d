// Reading Bot API parameters the way Telegram does: form-encoded requests carry numbers
// as strings and objects as JSON strings, so both spellings are accepted.
import { parseTelegramHtml, type TelegramEntity } from "./telegram-html.js";

type Params = Record<string, unknown>;

export class BotApiFailure extends Error {
  readonly response: { ok: false; error_code: number; description: string };

  constructor(errorCode: number, description: string) {
    super(description);
    this.response = { ok: false, error_code: errorCode, description };
  }
}

export const badRequest = (detail: string) => new BotApiFailure(400, `Bad Request: ${detail}`);

export function stringParam(p: Params, name: string): string {
  const v = p[name];
  if (typeof v === "string") return v;
  return typeof v === "number" || typeof v === "boolean" ? String(v) : "";
}

export function intParam(p: Params, name: string): number | undefined {
  const v = p[name];
  if (typeof v === "number" && Number.isInteger(v)) return v;
  return typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

export function chatIdParam(p: Params): number {
  const id = intParam(p, "chat_id");
  if (id === undefined || id === 0) throw badRequest("chat not found");
  return id;
}

export function jsonParam(p: Params, name: string, what = `${name} JSON object`): unknown {
  const v = p[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw badRequest(`can't parse ${what}`);
  }
}

export function replyMarkupParam(p: Params): unknown {
  const markup = jsonParam(p, "reply_markup", "reply keyboard markup JSON object");
  if (typeof markup !== "object" || markup === null || !("inline_keyboard" in markup))
    return markup;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    throw badRequest(
      'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
    );
  }
  for (const button of rows.flat() as Record<string, unknown>[]) {
    if (!("callback_data" in button)) continue;
    const data = button.callback_data;
    // The limit is in bytes: 64 Latin letters fit, 64 Cyrillic ones do not.
    const bytes = typeof data === "string" ? Buffer.byteLength(data) : 0;
    if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
  }
  return markup;
}

export interface FormattedText {
  text: string;
  entities: TelegramEntity[];
}

const codePoints = (s: string) => [...s].length;

/** The text or caption after entity parsing, held to Telegram's limits. */
export function messageText(p: Params, field: "text" | "caption"): FormattedText {
  const formatted = formattedText(p, field);
  if (field === "caption") {
    if (codePoints(formatted.text) > 1024) throw badRequest("message caption is too long");
    return formatted;
  }
  if (formatted.text.trim() === "") throw badRequest("message text is empty");
  if (codePoints(formatted.text) > 4096) throw badRequest("message is too long");
  return formatted;
}

export function textLengthParam(p: Params, name: string): number {
  return codePoints(stringParam(p, name));
}

function formattedText(p: Params, field: "text" | "caption"): FormattedText {
  const raw = stringParam(p, field);
  const mode = stringParam(p, "parse_mode").toLowerCase();
  if (mode === "html") {
    const parsed = parseTelegramHtml(raw);
    if (!parsed.ok) throw badRequest(`can't parse entities: ${parsed.error}`);
    return { text: parsed.text, entities: parsed.entities };
  }
  if (mode !== "" && mode !== "markdown" && mode !== "markdownv2") {
    throw badRequest("unsupported parse_mode");
  }
  // Markdown is not modelled: such text passes through unparsed.
  const given = jsonParam(p, field === "text" ? "entities" : "caption_entities");
  return { text: raw, entities: Array.isArray(given) ? (given as TelegramEntity[]) : [] };
}
