import type { Job } from "../../checks/listings/jobs.js";
import type { Translator } from "../../i18n/translator.js";
import { bold } from "../format/html.js";
import { renderTable, shorten } from "../format/table.js";

function mark(job: Job): string {
  if (job.suspended) return "⛔";
  if (job.failed) return "❌";
  if (job.stuck) return "🧊";
  if (job.overdue) return "⏰";
  if (job.status === "paused") return "💤";
  if (job.status === "running" || job.lastStatus === "running") return "🔄";
  if (job.lastStatus === null) return "➖";
  return "✅";
}

function nextRun(job: Job, now: Date, lang: Translator): string {
  if (job.status === "paused" || job.status === "suspended") return lang.t(`jobs-${job.status}`);
  return lang.age(job.nextRunAt, now);
}

function counts(jobs: readonly Job[], projects: number, lang: Translator): string[] {
  const count = (flag: (j: Job) => boolean) => jobs.filter(flag).length;
  const scoped = projects > 0;
  // Suspended and stuck exist in the labpics shape only.
  const labpicsOnly = (key: string, n: number) => (scoped || n > 0 ? [lang.t(key, { n })] : []);
  return [
    ...labpicsOnly(
      "jobs-count-suspended",
      count((j) => j.suspended),
    ),
    lang.t("jobs-count-failed", { n: count((j) => j.failed) }),
    ...labpicsOnly(
      "jobs-count-stuck",
      count((j) => j.stuck),
    ),
    lang.t("jobs-count-overdue", { n: count((j) => j.overdue) }),
    scoped
      ? lang.t("jobs-count-total-in-projects", { n: jobs.length, projects })
      : lang.t("jobs-count-total", { n: jobs.length }),
  ];
}

/** Flagged jobs first (as listed), every count in the header, the rest cut with "+N more". */
export function renderJobs(jobs: readonly Job[], now: Date, lang: Translator): string {
  if (jobs.length === 0) return lang.t("jobs-none");
  const projects = new Set(jobs.flatMap((j) => (j.project === null ? [] : [j.projectId]))).size;
  const scoped = projects > 0;
  const header = `${bold(lang.t("jobs-title"))} — ${counts(jobs, projects, lang).join(", ")}`;
  const rows: string[][] = [
    [
      " ",
      ...(scoped ? [lang.t("column-project")] : []),
      lang.t("jobs-column-job"),
      lang.t("jobs-column-last-run"),
      lang.t("jobs-column-next-run"),
    ],
  ];
  for (const job of jobs) {
    rows.push([
      mark(job),
      ...(scoped ? [job.project ?? ""] : []),
      job.jobType,
      lang.age(job.lastRunAt, now),
      nextRun(job, now, lang),
    ]);
    if ((job.failed || job.suspended) && job.lastError) {
      rows.push([" ", `↳ ${shorten(job.lastError, 60)}`]);
    }
  }
  return renderTable(rows, { header, footer: lang.t("jobs-legend"), lang });
}
