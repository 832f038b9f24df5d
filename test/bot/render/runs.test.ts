// The /runs renderers on plain data: the summary table (durations, success rates, "—" for
// nothing finished), one job's last runs, the chart caption, escaping and the empty cases.
import { describe, expect, it } from "vitest";
import {
  renderJobRuns,
  renderRunChartCaption,
  renderRunChartTitle,
  renderRunsSummary,
} from "../../../src/bot/render/runs.js";
import type { RunRow } from "../../../src/checks/listings/runs.js";
import { createTranslator } from "../../../src/i18n/catalogue.js";

const en = createTranslator("en");

const NOW = new Date("2030-01-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const NO_WEEK = { columns: [], since: minutesAgo(7 * 24 * 60), cut: false };
const run = (over: Partial<RunRow>): RunRow => ({
  id: 1,
  jobType: "embed",
  project: null,
  status: "ok",
  startedAt: minutesAgo(30),
  seconds: 42,
  error: null,
  ...over,
});

describe("renderRunsSummary", () => {
  it("says so when there were no runs, naming the scope escaped", () => {
    expect(renderRunsSummary({ jobs: [], failures: [] }, NOW, undefined, en)).toBe(
      "No worker runs in the last 7 days.",
    );
    expect(renderRunsSummary({ jobs: [], failures: [] }, NOW, "Alpha<1>", en)).toBe(
      "No worker runs in the last 7 days for Alpha&lt;1&gt;.",
    );
  });

  it("tabulates both windows per job and lists the last failures", () => {
    const text = renderRunsSummary(
      {
        jobs: [
          {
            jobType: "embed",
            project: "Alpha",
            day: { runs: 10, ok: 9, failed: 1, p50: 0.5, p95: 125 },
            week: { runs: 70, ok: 60, failed: 2, p50: 30, p95: 900 },
          },
          {
            jobType: "digest",
            project: null,
            day: { runs: 0, ok: 0, failed: 0, p50: null, p95: null },
            week: { runs: 1, ok: 1, failed: 0, p50: 61, p95: 61 },
          },
        ],
        failures: [
          run({
            id: 7,
            status: "failed",
            error: "boom <x>",
            project: "Alpha",
            startedAt: minutesAgo(90),
          }),
        ],
      },
      NOW,
      undefined,
      en,
    );
    expect(text).toBe(
      [
        "<b>Worker runs</b> — runs, success rate, p50/p95 duration",
        "<pre>job     project  24h  ok   p50  p95    7d  ok    p50    p95",
        "embed   Alpha    10   90%  &lt;1s  2m 5s  70  96%   30s    15m",
        "digest           0    —    —    —      1   100%  1m 1s  1m 1s</pre>",
        "<b>Last failures</b>",
        "• 1h 30m ago <code>embed · Alpha</code> #7: boom &lt;x&gt;",
      ].join("\n"),
    );
  });

  it("tells long job types apart and shows each row's project", () => {
    const week = { runs: 1, ok: 1, failed: 0, p50: 2, p95: 2 };
    const jobs = ["connectors_reconciliation_daily", "connectors_reconciliation_weekly"].flatMap(
      (jobType) =>
        ["Northwind Clinic", "Acme Studio"].map((project) => ({
          jobType,
          project,
          day: week,
          week,
        })),
    );
    const lines = renderRunsSummary({ jobs, failures: [] }, NOW, undefined, en)
      .split("\n")
      .slice(1, 6);
    const cells = lines.map((l) =>
      l
        .replace("<pre>", "")
        .split(/\s{2,}/)
        .slice(0, 2),
    );
    expect(cells).toEqual([
      ["job", "project"],
      ["connectors_rec…liation_daily", "Northwind Clinic"],
      ["connectors_rec…liation_daily", "Acme Studio"],
      ["connectors_rec…iation_weekly", "Northwind Clinic"],
      ["connectors_rec…iation_weekly", "Acme Studio"],
    ]);
  });

  it("says there were no failures", () => {
    const week = { runs: 1, ok: 1, failed: 0, p50: 2, p95: 2 };
    const text = renderRunsSummary(
      { jobs: [{ jobType: "digest", project: null, day: week, week }], failures: [] },
      NOW,
      undefined,
      en,
    );
    expect(text.split("\n").at(-1)).toBe("✅ No failures in 7 days.");
  });
});

describe("renderJobRuns", () => {
  it("says so when the job has no runs, escaping its name", () => {
    expect(renderJobRuns("embed<x>", { last: [], week: NO_WEEK }, NOW, en)).toBe(
      "No runs of <code>embed&lt;x&gt;</code> found.",
    );
  });

  it("lists the last runs with a mark per status, a failure's error under it", () => {
    const last = [
      run({ id: 3, status: "running", seconds: 700 }),
      run({ id: 2, status: "failed", error: "oom & gone", project: "Beta" }),
      run({ id: 1, status: "weird" }),
    ];
    expect(renderJobRuns("embed", { last, week: NO_WEEK }, NOW, en)).toBe(
      [
        "<b>Last 3 runs of</b> <code>embed</code>",
        "<pre>    started  took  id",
        "🔄  30m ago  11m   #3",
        "❌  30m ago  42s   #2 · Beta",
        "    ↳ oom &amp; gone",
        "❔  30m ago  42s   #1</pre>",
        "✅ ok  ❌ failed  🔄 running",
      ].join("\n"),
    );
  });
});

describe("the chart's caption and title", () => {
  const column = (index: number, status: string, runs: number, longest: number) => ({
    column: index,
    status,
    startedAt: NOW,
    runs,
    shortest: 1,
    longest,
  });
  const columns = [
    column(0, "failed", 2, 80),
    column(0, "ok", 3, 10),
    column(1, "ok", 1, 10),
    column(2, "running", 1, 500),
  ];

  it("count the week's runs and failures, and draw each half hour's longest finished run as a sparkline", () => {
    const history = { last: [], week: { ...NO_WEEK, columns } };
    expect(renderRunChartCaption("embed<x>", history, en)).toBe(
      [
        "<code>embed&lt;x&gt;</code>: 7 runs in 7 days, 2 failed. Duration by start time; ❌ failures are red triangles.",
        "█▁",
      ].join("\n"),
    );
    expect(renderRunChartTitle("embed · Beta", history, en)).toBe(
      "embed · Beta — run durations, 7 days",
    );
  });

  it("say the chart holds only the newest runs, and since when, when the week has more", () => {
    const newest = [column(0, "ok", 20_150, 10), column(1, "failed", 10, 80)];
    const history = { last: [], week: { columns: newest, since: minutesAgo(90), cut: true } };
    expect(renderRunChartCaption("embed", history, en).split("\n")[0]).toBe(
      "<code>embed</code>: the newest 20,160 runs, since 2030-01-01 10:30 UTC (the week has more), 10 failed. Duration by start time; ❌ failures are red triangles.",
    );
    expect(renderRunChartTitle("embed", history, en)).toBe(
      "embed — newest 20,160 runs since 2030-01-01 10:30 UTC",
    );
  });
});
