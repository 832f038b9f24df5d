import type { PgActivity, PgSession, Section } from "../../checks/listings/pg-activity.js";
import { formatBytes, formatDuration } from "../format/duration.js";
import { bold, code, escapeHtml, fitLines, italic } from "../format/html.js";
import { shorten } from "../format/table.js";

const SHOWN = 5;

const unavailable = (error: string) => italic(`unavailable: ${shorten(error, 100)}`);

function part<T>(title: string, section: Section<T>, body: (value: T) => string[]): string[] {
  if (!section.ok) return [`${bold(title)} ${unavailable(section.error)}`];
  return [bold(title), ...body(section.value)];
}

const more = (total: number) => (total > SHOWN ? [italic(`+${total - SHOWN} more`)] : []);

function sessionLines<S extends PgSession>(
  sessions: readonly S[],
  none: string,
  extra: (session: S) => string = () => "",
): string[] {
  if (sessions.length === 0) return [none];
  return [
    ...sessions.slice(0, SHOWN).map((s) => {
      const who = [s.user, s.application].filter((v) => v !== null && v !== "").join(", ");
      return `• ${escapeHtml(formatDuration(s.seconds * 1000))} pid ${s.pid}${who ? ` (${escapeHtml(who)})` : ""}${extra(s)}: ${code(shorten(s.query || "—", 140))}`;
    }),
    ...more(sessions.length),
  ];
}

export function renderPg(activity: PgActivity): string {
  const lines = [
    ...part("Connections", activity.connections, (c) => {
      const share = c.max > 0 ? ` (${Math.round((c.total / c.max) * 100)}%)` : "";
      // An embedded server (PGlite) reports no sessions at all.
      const states =
        c.byState.map((s) => `${s.state} ${s.count}`).join(" · ") || "no sessions reported";
      return [`${c.total} of max_connections ${c.max}${share}: ${escapeHtml(states)}`];
    }),
    ...part("Longest-running queries", activity.longest, (s) => sessionLines(s, "none running")),
    ...part("Blocked sessions", activity.blocked, ({ blocked, blockers }) => [
      ...sessionLines(blocked, "none waiting on a lock", (s) => ` ⛔ by ${s.blockedBy.join(", ")}`),
      ...(blockers.length > 0
        ? [
            bold("Blocking them"),
            ...sessionLines(blockers, "", (s) => ` ${escapeHtml(s.state ?? "")}`),
          ]
        : []),
    ]),
    ...part("Idle in transaction", activity.idleInTransaction, (s) => sessionLines(s, "none")),
    ...part("Size", activity.sizes, (sizes) => [
      `database ${formatBytes(sizes.databaseBytes)}; largest: ${sizes.tables.map((t) => `${escapeHtml(t.name)} ${formatBytes(t.bytes)}`).join(" · ") || "no tables"}`,
    ]),
  ];
  return fitLines(lines, {
    header: `🐘 ${bold("PostgreSQL")} ${italic("query text shown without its literals")}`,
  });
}
