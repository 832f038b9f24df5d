import type { PagesChartInput } from "../../charts/pages-per-day.js";
import type { Translator } from "../../i18n/translator.js";
import { pagesByDay, type Report } from "../../reports/build-report.js";
import { REPORT_PERIODS } from "../../reports/report-window.js";
import { bold, code, escapeHtml, fitLines, oneLine } from "../format/html.js";

/** /report's text: within 4096 characters in any language (its lists are short anyway). */
export function renderReport(report: Report, t: Translator): string {
  const days = REPORT_PERIODS[report.window.period];
  const text = (key: string, args?: Parameters<Translator["t"]>[1]) => escapeHtml(t.t(key, args));
  const ms = (value: number | null) => (value === null ? t.t("report-none") : t.duration(value));
  const header = [
    `📊 ${bold(t.t("report-title", { days }))}`,
    text("report-window", {
      from: t.dateTime(report.window.from, report.tz),
      to: t.dateTime(report.window.to, report.tz),
    }),
  ].join("\n");
  const lines = [
    "",
    `📟 ${text("report-pages", { pages: report.pages, outside: report.pagesOutsideHours })}`,
    `   ${text("report-working-hours", { zone: report.tz })}`,
    `🚨 ${text("report-incidents", { incidents: report.incidents })}`,
    `⏱ ${text("report-mtta", { p50: ms(report.mtta.p50), p90: ms(report.mtta.p90), count: report.mtta.count })}`,
    `🛠 ${text("report-mttr", { p50: ms(report.mttr.p50), p90: ms(report.mttr.p90), count: report.mttr.count })}`,
    ...section(
      t.t("report-noisiest-kinds"),
      report.noisiestKinds.map((k) => `${name(k.kind)} ×${k.fired}`),
      t,
    ),
    ...section(
      t.t("report-noisiest-alerts"),
      report.noisiestAlerts.map((a) => `${name(a.fingerprint)} ×${a.fired}`),
      t,
    ),
    ...section(
      t.t("report-flapping"),
      report.flapping.map(
        (f) => `${name(f.fingerprint)} — ${text("report-flapping-line", { times: f.times })}`,
      ),
      t,
    ),
    ...section(
      t.t("report-silences"),
      report.longestSilences.map(
        (s) =>
          `${name(s.matcher)} ${text("report-silence-line", {
            until: t.dateTime(s.until, report.tz),
            length: t.duration(s.until.getTime() - s.startsAt.getTime()),
            who: s.createdBy,
          })}`,
      ),
      t,
    ),
  ];
  return fitLines(lines, { header, lang: t });
}

/** An identifier as it is, on one line, whatever its length (fitLines keeps the total). */
const name = (identifier: string) => code(oneLine(identifier));

/** A titled list (its title as the catalogue gives it, unescaped), or "nothing". */
function section(title: string, items: string[], t: Translator): string[] {
  return [
    "",
    `${bold(title)}: ${items.length === 0 ? escapeHtml(t.t("report-nothing")) : ""}`.trimEnd(),
    ...items.map((item) => `• ${item}`),
  ];
}

/** The chart of pages per day: every day of the window, labelled day.month. */
export function reportChart(report: Report, t: Translator): PagesChartInput {
  return {
    title: t.t("report-chart-title", { zone: report.tz }),
    unit: t.t("report-chart-unit"),
    days: pagesByDay(report).map((d) => ({
      label: `${d.day.slice(8, 10)}.${d.day.slice(5, 7)}`,
      pages: d.pages,
    })),
  };
}

export function renderReportCaption(report: Report, t: Translator): string {
  return escapeHtml(t.t("report-chart-caption", { days: REPORT_PERIODS[report.window.period] }));
}
