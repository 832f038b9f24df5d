import type { Job } from "../../checks/jobs.js";
import { formatAge } from "../format/duration.js";
import { bold } from "../format/html.js";
import { renderTable, shorten } from "../format/table.js";

function mark(job: Job): string {
  if (job.failed) return "❌";
  if (job.overdue) return "⏰";
  if (job.status === "paused") return "💤";
  if (job.lastStatus === "running") return "🔄";
  if (job.lastStatus === null) return "➖";
  return "✅";
}

export function renderJobs(jobs: readonly Job[], now: Date): string {
  if (jobs.length === 0) return "No scheduled jobs found in scheduled_jobs.";
  const failed = jobs.filter((j) => j.failed).length;
  const overdue = jobs.filter((j) => j.overdue).length;
  const header = `${bold("Scheduled jobs")} — ${failed} failed, ${overdue} overdue, ${jobs.length} total`;
  const rows: string[][] = [[" ", "job", "last run", "next run"]];
  for (const job of jobs) {
    rows.push([
      mark(job),
      job.jobType,
      formatAge(job.lastRunAt, now),
      job.status === "paused" ? "paused" : formatAge(job.nextRunAt, now),
    ]);
    if (job.failed && job.lastError) rows.push([" ", `↳ ${shorten(job.lastError, 60)}`]);
  }
  return renderTable(rows, { header, footer: "❌ failed  ⏰ overdue  🔄 running  💤 paused" });
}
