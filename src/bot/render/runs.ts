import type { JobHistory, RunRow, RunsSummary, WindowStats } from "../../checks/listings/runs.js";
import type { Translator } from "../../i18n/translator.js";
import { bold, code, escapeHtml } from "../format/html.js";
import { sparkline } from "../format/sparkline.js";
import { renderTable, shorten, shortenMiddle } from "../format/table.js";

/** Durations of runs: to the second below 10 minutes, where a p95 shift matters. */
function seconds(value: number | null, lang: Translator): string {
  if (value === null) return "—";
  if (value < 1) return lang.t("runs-under-second");
  if (value < 60 || value >= 600) return lang.duration(value * 1000);
  return lang.t("runs-minutes-seconds", { m: Math.floor(value / 60), s: Math.floor(value % 60) });
}

/** ok / finished, "—" before anything finished. */
const successRate = (w: WindowStats) =>
  w.ok + w.failed === 0 ? "—" : `${Math.floor((w.ok / (w.ok + w.failed)) * 100)}%`;

const windowCells = (w: WindowStats, lang: Translator) => [
  lang.number(w.runs),
  successRate(w),
  seconds(w.p50, lang),
  seconds(w.p95, lang),
];

const jobName = (jobType: string, project: string | null) =>
  project === null ? jobType : `${jobType} · ${project}`;

function failureLines(failures: readonly RunRow[], now: Date, lang: Translator): string[] {
  return failures.map(
    (f) =>
      `• ${escapeHtml(lang.age(f.startedAt, now))} ${code(jobName(f.jobType, f.project))} #${f.id}: ` +
      escapeHtml(shorten(f.error ?? lang.t("runs-no-error"), 160)),
  );
}

export function renderRunsSummary(
  summary: RunsSummary,
  now: Date,
  scope: string | undefined,
  lang: Translator,
): string {
  const where = scope ? { scope: escapeHtml(scope) } : undefined;
  if (summary.jobs.length === 0) return lang.t(where ? "runs-none-for" : "runs-none", where);
  // The project in a column of its own: appended to a long job type, the cut hid it.
  const scoped = summary.jobs.some((j) => j.project !== null);
  const window = (span: "day" | "week") =>
    [`runs-col-${span}`, "runs-col-ok"].map((key) => lang.t(key)).concat("p50", "p95");
  const rows = [
    [
      lang.t("runs-col-job"),
      ...(scoped ? [lang.t("runs-col-project")] : []),
      ...window("day"),
      ...window("week"),
    ],
    ...summary.jobs.map((j) => [
      shortenMiddle(j.jobType),
      ...(scoped ? [shortenMiddle(j.project ?? "")] : []),
      ...windowCells(j.day, lang),
      ...windowCells(j.week, lang),
      "",
    ]),
  ];
  const failures = failureLines(summary.failures, now, lang);
  const title = bold(lang.t("runs-title"));
  return renderTable(rows, {
    header: lang.t(where ? "runs-header-for" : "runs-header", { title, ...where }),
    footer:
      failures.length > 0
        ? [bold(lang.t("runs-last-failures")), ...failures].join("\n")
        : lang.t("runs-no-failures"),
    lang,
  });
}

const STATUS_MARK: Record<string, string> = { ok: "✅", failed: "❌", running: "🔄" };

export function renderJobRuns(
  job: string,
  history: JobHistory,
  now: Date,
  lang: Translator,
): string {
  if (history.last.length === 0) return lang.t("runs-job-none", { job: code(job) });
  const rows: string[][] = [
    [" ", ...["started", "took", "id"].map((column) => lang.t(`runs-col-${column}`))],
  ];
  for (const run of history.last) {
    const project = run.project === null ? "" : ` · ${run.project}`;
    rows.push([
      STATUS_MARK[run.status] ?? "❔",
      lang.age(run.startedAt, now),
      seconds(run.seconds, lang),
      `#${run.id}${project}`,
    ]);
    if (run.status === "failed" && run.error) rows.push([" ", `↳ ${shorten(run.error, 60)}`]);
  }
  return renderTable(rows, {
    header: `${bold(lang.t("runs-job-title", { n: history.last.length }))} ${code(job)}`,
    footer: lang.t("runs-job-legend"),
    lang,
  });
}

const runsIn = (columns: JobHistory["week"]["columns"]) => columns.reduce((n, c) => n + c.runs, 0);

/** The chart's title (plain text): a week, or where its newest runs begin when the week has more. */
export function renderRunChartTitle(scope: string, history: JobHistory, lang: Translator): string {
  const { week } = history;
  return week.cut
    ? lang.t("runs-chart-newest", {
        scope,
        n: runsIn(week.columns),
        since: lang.dateTime(week.since),
      })
    : lang.t("runs-chart-week", { scope });
}

/** The chart's axis titles and legend, in the reader's language (the chart takes words in). */
export function runChartLabels(lang: Translator) {
  return {
    x: lang.t("runs-chart-x"),
    seconds: lang.t("runs-chart-seconds"),
    minutes: lang.t("runs-chart-minutes"),
    statuses: Object.fromEntries(
      Object.keys(STATUS_MARK).map((status) => [status, lang.t(`runs-chart-status-${status}`)]),
    ),
  };
}

/** The photo's caption: what the chart shows, and the week at a glance as a text line. */
export function renderRunChartCaption(job: string, history: JobHistory, lang: Translator): string {
  const { columns, cut, since } = history.week;
  const n = runsIn(columns);
  const runs = cut
    ? lang.t("runs-caption-newest", { n, since: lang.dateTime(since) })
    : lang.t("runs-caption-week", { n });
  // The longest finished run of each half hour: a run still going would flatten the rest.
  const longest = new Map<number, number>();
  for (const c of columns) {
    if (c.status !== "running")
      longest.set(c.column, Math.max(longest.get(c.column) ?? 0, c.longest));
  }
  const line = sparkline([...longest.values()]);
  const failed = runsIn(columns.filter((c) => c.status === "failed"));
  const caption = lang.t("runs-caption", { job: code(job), runs, failed: lang.number(failed) });
  return `${caption}\n${escapeHtml(line)}`;
}
