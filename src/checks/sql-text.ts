// Query text from pg_stat_activity, made safe to show: every literal (strings, dollar-quoted
// bodies, numbers) becomes "?", comments go, and nothing after PASSWORD is shown, so no
// parameter value or secret reaches a chat or an alert.
//
// A lexer after PostgreSQL's own (scan.l), not a pattern: nested comments, E'' / U&'' / B''
// / X'' strings, dollar quotes, identifiers that run into quotes. What it cannot read with
// certainty it does not show: plain '' strings mean two things depending on the server's
// standard_conforming_strings ('C:\' ends there when on, runs on when off), so the text is
// read both ways, and if the two readings differ only its first keywords are shown.
//
// No library: the maintained ones (libpg-query: the server's parser in WebAssembly) cost
// megabytes and a load in a 96 MB heap, assume one standard_conforming_strings, and refuse
// text PostgreSQL cut mid-literal at track_activity_query_size, which is common here.

type Kind = "word" | "literal" | "comment" | "space" | "other";
interface Token {
  kind: Kind;
  text: string;
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CONT = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;
// After a number, PostgreSQL 16 reads these as part of it (0x1F, 1_000, 1e5, 12abc is junk).
const NUMBER_CONT = /[A-Za-z0-9_.]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
// PostgreSQL's whitespace; any other character above ASCII (a no-break space) is part of a word.
const SPACE = /[ \t\n\r\f\v]/;
// A quote right after one of these single letters starts a prefixed string (scan.l's
// xestart, xbstart, xhstart, xnstart): E'..' takes backslash escapes, N'..' is a plain
// string, B'..' and X'..' have none.
const PREFIXES = new Set(["e", "b", "x", "n"]);

/** Where a quoted run that ends at `quote` stops; `backslash` escapes. To the end if open. */
function quoted(text: string, from: number, quote: string, backslash: boolean) {
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (backslash && c === "\\") i += 2;
    else if (c === quote && text[i + 1] === quote) i += 2;
    else if (c === quote) return { end: i + 1, closed: true };
    else i += 1;
  }
  return { end: text.length, closed: false };
}
const quotedEnd = (text: string, from: number, quote: string, backslash: boolean) =>
  quoted(text, from, quote, backslash).end;

/** A /* comment *\/, nested as PostgreSQL nests them; to the end if open. */
function commentEnd(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    if (text.startsWith("/*", i)) {
      depth += 1;
      i += 2;
    } else if (text.startsWith("*/", i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else i += 1;
  }
  return text.length;
}

function runEnd(text: string, from: number, pattern: RegExp): number {
  let i = from;
  while (i < text.length && pattern.test(text[i]!)) i += 1;
  return i;
}

/** A "quoted identifier" is shown; one cut open at the end may be anything, so it is not. */
function quotedIdentifier(text: string, from: number): { kind: Kind; end: number } {
  const { end, closed } = quoted(text, from, '"', false);
  return { kind: closed ? "word" : "literal", end };
}

/** One token at `i`: its kind and where it ends. */
function next(text: string, i: number, standardStrings: boolean): { kind: Kind; end: number } {
  const c = text[i]!;
  if (SPACE.test(c)) return { kind: "space", end: runEnd(text, i, SPACE) };
  if (text.startsWith("--", i)) {
    const newline = text.indexOf("\n", i);
    return { kind: "comment", end: newline < 0 ? text.length : newline };
  }
  if (text.startsWith("/*", i)) return { kind: "comment", end: commentEnd(text, i) };
  if (c === "'") return { kind: "literal", end: quotedEnd(text, i + 1, "'", !standardStrings) };
  if (c === '"') return quotedIdentifier(text, i + 1);
  if (/^[Uu]&['"]/.test(text.slice(i, i + 3))) {
    // U&'..' is a standard string whatever the setting; U&".." an identifier.
    if (text[i + 2] === '"') return quotedIdentifier(text, i + 3);
    return { kind: "literal", end: quotedEnd(text, i + 3, "'", false) };
  }
  if (c === "$") {
    DOLLAR_TAG.lastIndex = i;
    const tag = DOLLAR_TAG.exec(text)?.[0];
    if (tag !== undefined) {
      const close = text.indexOf(tag, i + tag.length);
      return { kind: "literal", end: close < 0 ? text.length : close + tag.length };
    }
    // $1: a parameter, which carries no value in the text.
    return { kind: "word", end: runEnd(text, i + 1, DIGIT) };
  }
  if (DIGIT.test(c) || (c === "." && DIGIT.test(text[i + 1] ?? ""))) {
    let end = runEnd(text, i, NUMBER_CONT);
    // 1e-5: the exponent's sign belongs to the number.
    while (/[eE]$/.test(text.slice(i, end)) && /[+-]/.test(text[end] ?? "")) {
      end = runEnd(text, end + 1, NUMBER_CONT);
    }
    return { kind: "literal", end };
  }
  if (IDENT_START.test(c)) {
    const end = runEnd(text, i + 1, IDENT_CONT);
    if (end === i + 1 && text[end] === "'" && PREFIXES.has(c.toLowerCase())) {
      const kind = c.toLowerCase();
      const escapes = kind === "e" || (kind === "n" && !standardStrings);
      return { kind: "literal", end: quotedEnd(text, end + 1, "'", escapes) };
    }
    return { kind: "word", end };
  }
  return { kind: "other", end: i + 1 };
}

function lex(text: string, standardStrings: boolean): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < text.length;) {
    const { kind, end } = next(text, i, standardStrings);
    tokens.push({ kind, text: text.slice(i, end) });
    i = end;
  }
  return tokens;
}

const isPassword = (t: Token) => t.kind === "word" && t.text.toLowerCase() === "password";

/** The tokens as shown: literals as "?", comments and runs of space as one space. */
function render(tokens: Token[]): string {
  const cut = tokens.findIndex(isPassword);
  const shown = cut < 0 ? tokens : tokens.slice(0, cut + 1);
  const text = shown
    .map((t) =>
      t.kind === "literal" ? "?" : t.kind === "word" || t.kind === "other" ? t.text : " ",
    )
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  return cut < 0 ? text : `${text} …`;
}

const LEADING_KEYWORDS = 2;

/** What is shown of text that cannot be read with certainty: its first bare keywords. */
function firstKeywords(tokens: Token[]): string {
  const words: string[] = [];
  for (const t of tokens) {
    if (t.kind === "space" || t.kind === "comment") continue;
    if (t.kind !== "word" || !/^[A-Za-z]+$/.test(t.text) || isPassword(t)) break;
    words.push(t.text);
    if (words.length === LEADING_KEYWORDS) break;
  }
  return [...words, "…"].join(" ");
}

/** Query text with its literals as "?", its comments gone and nothing after PASSWORD. */
export function normalizeSql(text: string): string {
  const standard = lex(text, true);
  const shown = render(standard);
  return render(lex(text, false)) === shown ? shown : firstKeywords(standard);
}
