import type { PgActivity, PgSession, Section } from "../../checks/listings/pg-activity.js";
import type { Translator } from "../../i18n/translator.js";
import { bold, code, escapeHtml, fitLines, italic, moreNote } from "../format/html.js";
import { shorten } from "../format/table.js";

const SHOWN = 5;

function part<T>(
  titleKey: string,
  section: Section<T>,
  lang: Translator,
  body: (value: T) => string[],
): string[] {
  const title = bold(lang.t(titleKey));
  if (!section.ok)
    return [`${title} ${italic(lang.t("pg-unavailable", { error: shorten(section.error, 100) }))}`];
  return [title, ...body(section.value)];
}

function sessionLines<S extends PgSession>(
  sessions: readonly S[],
  none: string,
  lang: Translator,
  extra: (session: S) => string = () => "",
): string[] {
  if (sessions.length === 0) return [none];
  const hidden = sessions.length - SHOWN;
  return [
    ...sessions.slice(0, SHOWN).map((s) => {
      const who = [s.user, s.application].filter((v) => v !== null && v !== "").join(", ");
      return `• ${escapeHtml(lang.duration(s.seconds * 1000))} pid ${s.pid}${who ? ` (${escapeHtml(who)})` : ""}${extra(s)}: ${code(shorten(s.query || "—", 140))}`;
    }),
    ...(hidden > 0 ? [moreNote(hidden, lang)] : []),
  ];
}

export function renderPg(activity: PgActivity, lang: Translator): string {
  const lines = [
    ...part("pg-connections", activity.connections, lang, (c) => {
      // An embedded server (PGlite) reports no sessions at all.
      const states =
        c.byState.map((s) => `${s.state} ${s.count}`).join(" · ") || lang.t("pg-no-sessions");
      const args = { total: c.total, max: c.max, states: escapeHtml(states) };
      return [
        c.max > 0
          ? lang.t("pg-connections-line", { ...args, share: Math.round((c.total / c.max) * 100) })
          : lang.t("pg-connections-line-nomax", args),
      ];
    }),
    ...part("pg-longest", activity.longest, lang, (s) =>
      sessionLines(s, lang.t("pg-longest-none"), lang),
    ),
    ...part("pg-blocked", activity.blocked, lang, ({ blocked, blockers }) => [
      ...sessionLines(
        blocked,
        lang.t("pg-blocked-none"),
        lang,
        (s) => ` ${lang.t("pg-blocked-by", { pids: s.blockedBy.join(", ") })}`,
      ),
      ...(blockers.length > 0
        ? [
            bold(lang.t("pg-blocking")),
            ...sessionLines(blockers, "", lang, (s) => ` ${escapeHtml(s.state ?? "")}`),
          ]
        : []),
    ]),
    ...part("pg-idle", activity.idleInTransaction, lang, (s) =>
      sessionLines(s, lang.t("pg-idle-none"), lang),
    ),
    ...part("pg-size", activity.sizes, lang, (sizes) => {
      const tables = sizes.tables.map((t) => `${escapeHtml(t.name)} ${lang.bytes(t.bytes)}`);
      return [
        lang.t("pg-size-line", {
          size: lang.bytes(sizes.databaseBytes),
          tables: tables.join(" · ") || lang.t("pg-no-tables"),
        }),
      ];
    }),
  ];
  return fitLines(lines, {
    header: lang.t("pg-header", {
      title: bold("PostgreSQL"),
      note: italic(lang.t("pg-literals-note")),
    }),
    lang,
  });
}
