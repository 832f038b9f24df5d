import type { ConnectorSync } from "../../checks/listings/sync.js";
import type { Translator } from "../../i18n/translator.js";
import { bold } from "../format/html.js";
import { renderTable, shorten } from "../format/table.js";

// A connector on mock data is never shown as plainly ✅: its "ok" says nothing of the service.
const mark = (c: ConnectorSync) =>
  c.failed
    ? "❌"
    : c.stuck
      ? "🧊"
      : c.partial
        ? "⚠️"
        : c.stale
          ? "⏰"
          : c.idle
            ? "➖"
            : c.mock
              ? "🧪"
              : "✅";

/** The stored status (LabPics's own word, shown as it is), or what the bot makes of it. */
const status = (c: ConnectorSync, lang: Translator) => {
  const stored = c.stuck
    ? lang.t("sync-status-stuck")
    : (c.lastStatus ?? lang.t("sync-status-unknown"));
  return c.mock ? lang.t("sync-status-mock", { status: stored }) : stored;
};

function counts(connectors: readonly ConnectorSync[], scoped: boolean, lang: Translator) {
  const count = (key: string, flag: (c: ConnectorSync) => boolean) =>
    lang.t(key, { n: connectors.filter(flag).length });
  const mocks = connectors.filter((c) => c.mock).length;
  return [
    count("sync-count-failed", (c) => c.failed || c.stuck),
    ...(scoped ? [count("sync-count-partial", (c) => c.partial)] : []),
    count("sync-count-stale", (c) => c.stale),
    ...(scoped ? [count("sync-count-idle", (c) => c.idle)] : []),
    ...(mocks > 0 ? [lang.t("sync-count-mock", { n: mocks })] : []),
    lang.t("sync-count-total", { n: connectors.length }),
  ];
}

export function renderSync(
  connectors: readonly ConnectorSync[],
  now: Date,
  lang: Translator,
): string {
  if (connectors.length === 0) return lang.t("sync-none");
  const scoped = connectors.some((c) => c.project !== null);
  const header = `${bold(lang.t("sync-title"))} — ${counts(connectors, scoped, lang).join(", ")}`;
  const rows: string[][] = [
    [
      " ",
      ...(scoped ? [lang.t("column-project")] : []),
      lang.t("sync-column-connector"),
      lang.t("sync-column-status"),
      lang.t("sync-column-last-sync"),
    ],
  ];
  for (const c of connectors) {
    rows.push([
      mark(c),
      ...(scoped ? [c.project ?? ""] : []),
      c.connector,
      status(c, lang),
      lang.age(c.lastSyncedAt, now),
    ]);
    if ((c.failed || c.partial) && c.lastError) rows.push([" ", `↳ ${shorten(c.lastError, 60)}`]);
  }
  const legend = lang.t(scoped ? "sync-legend-labpics" : "sync-legend");
  const mockLegend = connectors.some((c) => c.mock) ? `\n${lang.t("sync-legend-mock")}` : "";
  return renderTable(rows, { header, footer: legend + mockLegend, lang });
}
