import { InputFile } from "grammy";
import type { Charts } from "../charts/on-demand.js";
import type { Translator } from "../i18n/translator.js";
import type { Report } from "../reports/build-report.js";
import { renderReport, renderReportCaption, reportChart } from "./render/report.js";

/** Where a report goes: a reply to /report, or the alert group. */
export interface ReportOutput {
  text(html: string): Promise<unknown>;
  photo(png: InputFile, captionHtml: string): Promise<unknown>;
}

/**
 * The report's text, then its chart of pages per day as a photo (a caption holds only 1024
 * characters, the text up to 4096). A window without pages has no chart to show.
 */
export async function sendReport(
  out: ReportOutput,
  report: Report,
  t: Translator,
  charts: Charts,
): Promise<void> {
  await out.text(renderReport(report, t));
  if (report.pages === 0) return;
  const png = await charts.pagesPerDay(reportChart(report, t));
  await out.photo(
    new InputFile(png, `report-${report.window.period}.png`),
    renderReportCaption(report, t),
  );
}
