// Query text from pg_stat_activity, made safe to show: every literal (strings, dollar-quoted
// bodies, numbers) becomes "?" and comments go, so no parameter value reaches a chat.

// One pass over the text, token by token, so a quote inside a comment or a "--" inside a
// string is read as what it is. Unterminated tokens run to the end: PostgreSQL cuts query
// text at track_activity_query_size, often mid-literal.
const TOKENS = new RegExp(
  [
    /(?<dollar>\$(?<tag>[A-Za-z_]\w*)?\$[\s\S]*?(?:\$\k<tag>\$|$))/.source,
    /(?<string>(?<![\w$])[EeBbXxNnUu]?&?'(?:[^'\\]|\\[\s\S]|'')*(?:'|$))/.source,
    /(?<identifier>"(?:[^"]|"")*(?:"|$))/.source,
    /(?<comment>--[^\n]*|\/\*[\s\S]*?(?:\*\/|$))/.source,
    /(?<number>(?<![\w$.])(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![\w.]))/.source,
  ].join("|"),
  "g",
);

export function normalizeSql(text: string): string {
  return text
    .replace(TOKENS, (...args) => {
      const groups = args.at(-1) as Record<string, string | undefined>;
      if (groups.identifier !== undefined) return groups.identifier;
      if (groups.comment !== undefined) return " ";
      return "?";
    })
    .replace(/\s+/g, " ")
    .trim();
}
