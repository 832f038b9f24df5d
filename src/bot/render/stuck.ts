import type { StuckReport } from "../../checks/listings/stuck-report.js";
import { formatAge, formatDuration } from "../format/duration.js";
import { LABPICS_DEAD_JOB_MINUTES, markFailedSql } from "../../checks/listings/stuck.js";
import { bold, code, escapeHtml, italic } from "../format/html.js";
import { renderTable, shorten } from "../format/table.js";

function failedLines(report: StuckReport, now: Date): string[] {
  const failed = report.failedProcesses;
  if (failed === undefined || failed.total === 0) return [];
  const lines = failed.failed.map((f) => {
    const where = f.project === null ? "" : ` [${f.project}]`;
    const why = f.error ? `: ${shorten(f.error, 100)}` : "";
    return `• ${escapeHtml(`${f.name}${where} ${formatAge(f.failedAt, now)}${why}`)}`;
  });
  const more = failed.total - failed.failed.length;
  return [
    `${bold("Failed processes")} — ${failed.total} in the last 24 h`,
    ...lines,
    ...(more > 0 ? [italic(`+${more} more`)] : []),
  ];
}

/** Worker runs past LabPics's dead-job threshold: what its cleanup missed, and the fix. */
function orphanLines(report: StuckReport, now: Date): string[] {
  const deadBefore = now.getTime() - LABPICS_DEAD_JOB_MINUTES * 60_000;
  const ids = report.runs
    // The labpics shape's runs (with a project): the reference shape has no such cleanup.
    .filter(
      (r) => r.kind === "worker" && r.projectId !== null && r.startedAt.getTime() < deadBefore,
    )
    .map((r) => r.id);
  if (ids.length === 0) return [];
  const dead = formatDuration(LABPICS_DEAD_JOB_MINUTES * 60_000);
  return [
    `🧹 LabPics's dead-job cleanup (${dead}) did not reap ${ids.length === 1 ? "this worker run" : `these ${ids.length} worker runs`}. To mark ${ids.length === 1 ? "it" : "them"} failed, run on its database (the bot never writes there):`,
    code(markFailedSql(ids)),
  ].map((line, i) => (i === 0 ? escapeHtml(line) : line));
}

export function renderStuck(report: StuckReport, thresholdMinutes: number, now: Date): string {
  const threshold = formatDuration(thresholdMinutes * 60_000);
  const notes = [
    ...orphanLines(report, now),
    ...(report.processesError !== undefined
      ? [`⚠️ Process runs could not be read: ${escapeHtml(shorten(report.processesError, 160))}`]
      : []),
    ...failedLines(report, now),
  ].join("\n");
  if (report.total === 0) {
    const what = report.processesError !== undefined ? "worker run" : "worker or process run";
    const none = `✅ No ${what} has been running longer than ${escapeHtml(threshold)}.`;
    return notes === "" ? none : `${none}\n${notes}`;
  }
  const header = `${bold("Stuck runs")} — ${report.total} running longer than ${escapeHtml(threshold)}, oldest first`;
  const scoped = report.runs.some((r) => r.project !== null);
  const rows = [
    ["age", "kind", "id", ...(scoped ? ["project"] : []), "name"],
    ...report.runs.map((r) => [
      formatDuration(now.getTime() - r.startedAt.getTime()),
      r.kind,
      String(r.id),
      ...(scoped ? [r.project ?? ""] : []),
      r.name,
    ]),
  ];
  return renderTable(rows, {
    header,
    hidden: report.total - report.runs.length,
    ...(notes !== "" ? { footer: notes } : {}),
  });
}
