import type { StuckReport } from "../../checks/listings/stuck-report.js";
import type { Translator } from "../../i18n/translator.js";
import { LABPICS_DEAD_JOB_MINUTES, markFailedSql } from "../../checks/listings/stuck.js";
import { bold, code, escapeHtml, moreNote } from "../format/html.js";
import { renderTable, shorten } from "../format/table.js";

function failedLines(report: StuckReport, now: Date, lang: Translator): string[] {
  const failed = report.failedProcesses;
  if (failed === undefined || failed.total === 0) return [];
  const lines = failed.failed.map((f) => {
    const where = f.project === null ? "" : ` [${f.project}]`;
    const why = f.error ? `: ${shorten(f.error, 100)}` : "";
    return `• ${escapeHtml(`${f.name}${where} ${lang.age(f.failedAt, now)}${why}`)}`;
  });
  const more = failed.total - failed.failed.length;
  return [
    `${bold(lang.t("stuck-failed-title"))} — ${lang.t("stuck-failed-count", { n: failed.total })}`,
    ...lines,
    ...(more > 0 ? [moreNote(more, lang)] : []),
  ];
}

/** Worker runs past LabPics's dead-job threshold: what its cleanup missed, and the fix. */
function orphanLines(report: StuckReport, now: Date, lang: Translator): string[] {
  const deadBefore = now.getTime() - LABPICS_DEAD_JOB_MINUTES * 60_000;
  const ids = report.runs
    // The labpics shape's runs (with a project): the reference shape has no such cleanup.
    .filter(
      (r) => r.kind === "worker" && r.projectId !== null && r.startedAt.getTime() < deadBefore,
    )
    .map((r) => r.id);
  if (ids.length === 0) return [];
  const dead = lang.duration(LABPICS_DEAD_JOB_MINUTES * 60_000);
  return [escapeHtml(lang.t("stuck-orphans", { n: ids.length, dead })), code(markFailedSql(ids))];
}

export function renderStuck(
  report: StuckReport,
  thresholdMinutes: number,
  now: Date,
  lang: Translator,
): string {
  const threshold = escapeHtml(lang.duration(thresholdMinutes * 60_000));
  const notes = [
    ...orphanLines(report, now, lang),
    ...(report.processesError !== undefined
      ? [
          lang.t("stuck-processes-unreadable", {
            error: escapeHtml(shorten(report.processesError, 160)),
          }),
        ]
      : []),
    ...failedLines(report, now, lang),
  ].join("\n");
  if (report.total === 0) {
    const none = lang.t(report.processesError !== undefined ? "stuck-none-workers" : "stuck-none", {
      threshold,
    });
    return notes === "" ? none : `${none}\n${notes}`;
  }
  const header = `${bold(lang.t("stuck-title"))} — ${lang.t("stuck-count", { n: report.total, threshold })}`;
  const scoped = report.runs.some((r) => r.project !== null);
  const rows = [
    [
      lang.t("stuck-column-age"),
      lang.t("stuck-column-kind"),
      "id",
      ...(scoped ? [lang.t("column-project")] : []),
      lang.t("stuck-column-name"),
    ],
    ...report.runs.map((r) => [
      lang.duration(now.getTime() - r.startedAt.getTime()),
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
    lang,
  });
}
