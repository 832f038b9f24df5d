// renderJobs on plain data: the exact message, its header counts, escaping and the empty case.
import { describe, expect, it } from "vitest";
import { EN } from "../../kit/english.js";
import { renderJobs } from "../../../src/bot/render/jobs.js";
import type { Job } from "../../../src/checks/listings/jobs.js";

const NOW = new Date("2030-01-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

const job = (over: Partial<Job>): Job => ({
  projectId: null,
  project: null,
  jobType: "digest",
  status: "active",
  lastStatus: "ok",
  lastRunAt: minutesAgo(5),
  nextRunAt: minutesAgo(-55),
  lastError: null,
  startedAt: null,
  failed: false,
  overdue: false,
  suspended: false,
  stuck: false,
  ...over,
});

const LEGEND = "⛔ suspended  ❌ failed  🧊 stuck  ⏰ overdue  🔄 running  💤 paused";

describe("renderJobs", () => {
  it("says so when there are no jobs", () => {
    expect(renderJobs([], NOW, EN)).toBe("No scheduled jobs found in scheduled_jobs.");
  });

  it("lists a failed job with its escaped error under it, then an overdue and a healthy one", () => {
    const text = renderJobs(
      [
        job({ jobType: "sync<all>", failed: true, lastStatus: "error", lastError: "a & <b>" }),
        job({ jobType: "report", overdue: true, nextRunAt: minutesAgo(10) }),
        job({ jobType: "digest", status: "paused" }),
      ],
      NOW,
      EN,
    );
    expect(text).toBe(
      [
        "<b>Scheduled jobs</b> — 1 failed, 1 overdue, 3 total",
        // An emoji is two columns wide in a monospace font.
        "<pre>    job        last run  next run",
        "❌  sync&lt;all&gt;  5m ago    in 55m",
        "    ↳ a &amp; &lt;b&gt;",
        "⏰  report     5m ago    10m ago",
        "💤  digest     5m ago    paused</pre>",
        LEGEND,
      ].join("\n"),
    );
  });

  it("adds the project column and the labpics counts when jobs belong to projects", () => {
    const text = renderJobs(
      [
        job({ projectId: "p1", project: "Alpha", suspended: true, lastError: "gave up" }),
        job({ projectId: "p2", project: "Beta", stuck: true, lastRunAt: null }),
      ],
      NOW,
      EN,
    );
    expect(text).toBe(
      [
        "<b>Scheduled jobs</b> — 1 suspended, 0 failed, 1 stuck, 0 overdue, 2 total in 2 projects",
        "<pre>    project  job     last run  next run",
        "⛔  Alpha    digest  5m ago    in 55m",
        "    ↳ gave up",
        "🧊  Beta     digest  never     in 55m</pre>",
        LEGEND,
      ].join("\n"),
    );
  });
});
