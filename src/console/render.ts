import { parseTelegramHtml, type TelegramEntity } from "./telegram-html.js";

export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
}

const ANSI: Record<string, [string, string]> = {
  bold: ["\x1b[1m", "\x1b[22m"],
  italic: ["\x1b[3m", "\x1b[23m"],
  underline: ["\x1b[4m", "\x1b[24m"],
  strikethrough: ["\x1b[9m", "\x1b[29m"],
  code: ["\x1b[36m", "\x1b[39m"],
  pre: ["\x1b[36m", "\x1b[39m"],
  text_link: ["\x1b[4m", "\x1b[24m"],
  spoiler: ["\x1b[2m", "\x1b[22m"],
  blockquote: ["\x1b[2m", "\x1b[22m"],
};

/** Telegram HTML as a person at a terminal should see it: emphasis, never raw tags. */
export function renderHtml(html: string, colour: boolean): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) return html;
  if (!colour) return parsed.text;
  return applyEntities(parsed.text, parsed.entities);
}

function applyEntities(text: string, entities: readonly TelegramEntity[]): string {
  // Insert codes from the end so earlier offsets stay valid.
  const inserts: { at: number; code: string; order: number }[] = [];
  entities.forEach((e, i) => {
    const codes = ANSI[e.type];
    if (codes === undefined) return;
    inserts.push({ at: e.offset, code: codes[0], order: i });
    const close = e.type === "text_link" && e.url ? `${codes[1]} (${e.url})` : codes[1];
    inserts.push({ at: e.offset + e.length, code: close, order: -i });
  });
  inserts.sort((a, b) => b.at - a.at || a.order - b.order);
  let out = text;
  for (const { at, code } of inserts) out = out.slice(0, at) + code + out.slice(at);
  return out;
}

/** Buttons as numbered choices; typing the number presses the button. */
export function renderKeyboard(rows: readonly (readonly InlineButton[])[], firstNumber: number) {
  let n = firstNumber;
  const lines = rows.map((row) => row.map((button) => `[${n++}] ${button.text}`).join("   "));
  return lines.join("\n");
}
