import type { Job } from "../../checks/listings/jobs.js";
import { formatAge } from "../format/duration.js";
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

function nextRun(job: Job, now: Date): string {
  if (job.status === "paused" || job.status === "suspended") return job.status;
  return formatAge(job.nextRunAt, now);
}

/** Flagged jobs first (as listed), every count in the header, the rest cut with "+N more". */
export function renderJobs(jobs: readonly Job[], now: Date): string {
  if (jobs.length === 0) return "No scheduled jobs found in scheduled_jobs.";
  const count = (flag: (j: Job) => boolean) => jobs.filter(flag).length;
  const projects = new Set(jobs.flatMap((j) => (j.project === null ? [] : [j.projectId])));
  const scoped = projects.size > 0;
  // Suspended and stuck exist in the labpics shape only.
  const labpicsOnly = (n: number, what: string) => (scoped || n > 0 ? [`${n} ${what}`] : []);
  const counts = [
    ...labpicsOnly(
      count((j) => j.suspended),
      "suspended",
    ),
    `${count((j) => j.failed)} failed`,
    ...labpicsOnly(
      count((j) => j.stuck),
      "stuck",
    ),
    `${count((j) => j.overdue)} overdue`,
    `${jobs.length} total${scoped ? ` in ${projects.size} project${projects.size === 1 ? "" : "s"}` : ""}`,
  ];
  const header = `${bold("Scheduled jobs")} — ${counts.join(", ")}`;
  const rows: string[][] = [[" ", ...(scoped ? ["project"] : []), "job", "last run", "next run"]];
  for (const job of jobs) {
    rows.push([
      mark(job),
      ...(scoped ? [job.project ?? ""] : []),
      job.jobType,
      formatAge(job.lastRunAt, now),
      nextRun(job, now),
    ]);
    if ((job.failed || job.suspended) && job.lastError) {
      rows.push([" ", `↳ ${shorten(job.lastError, 60)}`]);
    }
  }
  return renderTable(rows, {
    header,
    footer: "⛔ suspended  ❌ failed  🧊 stuck  ⏰ overdue  🔄 running  💤 paused",
  });
}
