import type { JobHistory, RunRow, RunsSummary, WindowStats } from "../../checks/listings/runs.js";
import { formatAge, formatDuration } from "../format/duration.js";
import { bold, code, escapeHtml } from "../format/html.js";
import { sparkline } from "../format/sparkline.js";
import { renderTable, shorten, shortenMiddle } from "../format/table.js";
import { formatUtc } from "../../clock.js";

export const RUNS_USAGE =
  "Usage: /runs [JOB] [PROJECT] — run history of every job, or of one job (with a chart).";

/** Durations of runs: to the second below 10 minutes, where a p95 shift matters. */
function seconds(value: number | null): string {
  if (value === null) return "—";
  if (value < 1) return "<1s";
  if (value < 60 || value >= 600) return formatDuration(value * 1000);
  return `${Math.floor(value / 60)}m ${Math.floor(value % 60)}s`;
}

/** ok / finished, "—" before anything finished. */
const successRate = (w: WindowStats) =>
  w.ok + w.failed === 0 ? "—" : `${Math.floor((w.ok / (w.ok + w.failed)) * 100)}%`;

const windowCells = (w: WindowStats) => [
  String(w.runs),
  successRate(w),
  seconds(w.p50),
  seconds(w.p95),
];

const jobName = (jobType: string, project: string | null) =>
  project === null ? jobType : `${jobType} · ${project}`;

function failureLines(failures: readonly RunRow[], now: Date): string[] {
  return failures.map(
    (f) =>
      `• ${escapeHtml(formatAge(f.startedAt, now))} ${code(jobName(f.jobType, f.project))} #${f.id}: ` +
      escapeHtml(shorten(f.error ?? "no error recorded", 160)),
  );
}

export function renderRunsSummary(summary: RunsSummary, now: Date, scope?: string): string {
  const where = scope ? ` for ${escapeHtml(scope)}` : "";
  if (summary.jobs.length === 0) return `No worker runs in the last 7 days${where}.`;
  // The project in a column of its own: appended to a long job type, the cut hid it.
  const scoped = summary.jobs.some((j) => j.project !== null);
  const rows = [
    ["job", ...(scoped ? ["project"] : []), "24h", "ok", "p50", "p95", "7d", "ok", "p50", "p95"],
    ...summary.jobs.map((j) => [
      shortenMiddle(j.jobType),
      ...(scoped ? [shortenMiddle(j.project ?? "")] : []),
      ...windowCells(j.day),
      ...windowCells(j.week),
      "",
    ]),
  ];
  const failures = failureLines(summary.failures, now);
  return renderTable(rows, {
    header: `${bold("Worker runs")}${where} — runs, success rate, p50/p95 duration`,
    footer:
      failures.length > 0
        ? [bold("Last failures"), ...failures].join("\n")
        : "✅ No failures in 7 days.",
  });
}

const STATUS_MARK: Record<string, string> = { ok: "✅", failed: "❌", running: "🔄" };

export function renderJobRuns(job: string, history: JobHistory, now: Date): string {
  if (history.last.length === 0) return `No runs of ${code(job)} found.`;
  const rows: string[][] = [[" ", "started", "took", "id"]];
  for (const run of history.last) {
    const project = run.project === null ? "" : ` · ${run.project}`;
    rows.push([
      STATUS_MARK[run.status] ?? "❔",
      formatAge(run.startedAt, now),
      seconds(run.seconds),
      `#${run.id}${project}`,
    ]);
    if (run.status === "failed" && run.error) rows.push([" ", `↳ ${shorten(run.error, 60)}`]);
  }
  return renderTable(rows, {
    header: `${bold(`Last ${history.last.length} runs of`)} ${code(job)}`,
    footer: "✅ ok  ❌ failed  🔄 running",
  });
}

const runsIn = (columns: JobHistory["week"]["columns"]) =>
  columns.reduce((n, c) => n + c.runs, 0).toLocaleString("en");

/** The chart's title: a week, or where its newest runs begin when the week has more. */
export function renderRunChartTitle(scope: string, history: JobHistory): string {
  const { week } = history;
  return week.cut
    ? `${scope} — newest ${runsIn(week.columns)} runs since ${formatUtc(week.since)}`
    : `${scope} — run durations, 7 days`;
}

/** The photo's caption: what the chart shows, and the week at a glance as a text line. */
export function renderRunChartCaption(job: string, history: JobHistory): string {
  const { columns, cut, since } = history.week;
  const failed = runsIn(columns.filter((c) => c.status === "failed"));
  const runs = cut
    ? `the newest ${runsIn(columns)} runs, since ${formatUtc(since)} (the week has more)`
    : `${runsIn(columns)} runs in 7 days`;
  // The longest finished run of each half hour: a run still going would flatten the rest.
  const longest = new Map<number, number>();
  for (const c of columns) {
    if (c.status !== "running")
      longest.set(c.column, Math.max(longest.get(c.column) ?? 0, c.longest));
  }
  const line = sparkline([...longest.values()]);
  return `${code(job)}: ${runs}, ${failed} failed. Duration by start time; ❌ failures are red triangles.\n${escapeHtml(line)}`;
}
