// renderStuck on plain data: none, none with a process-runs error, and runs cut with "+N more".
import { describe, expect, it } from "vitest";
import { EN } from "../../kit/english.js";
import { renderStuck } from "../../../src/bot/render/stuck.js";

const NOW = new Date("2030-01-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describe("renderStuck", () => {
  it("says no run is stuck", () => {
    expect(renderStuck({ runs: [], total: 0 }, 30, NOW, EN)).toBe(
      "✅ No worker or process run has been running longer than 30m.",
    );
  });

  it("speaks of worker runs only when process runs could not be read, and says why (escaped)", () => {
    const report = { runs: [], total: 0, processesError: "relation <process_runs> does not exist" };
    expect(renderStuck(report, 30, NOW, EN)).toBe(
      [
        "✅ No worker run has been running longer than 30m.",
        "⚠️ Process runs could not be read: relation &lt;process_runs&gt; does not exist",
      ].join("\n"),
    );
  });

  it("lists the runs oldest first with the rest as +N more, then the failed processes", () => {
    const text = renderStuck(
      {
        runs: [
          {
            kind: "worker",
            id: 7,
            name: "embed<x>",
            projectId: null,
            project: null,
            startedAt: minutesAgo(135),
          },
          {
            kind: "process",
            id: 9,
            name: "sync",
            projectId: null,
            project: null,
            startedAt: minutesAgo(45),
          },
        ],
        total: 5,
        failedProcesses: {
          failed: [
            { name: "import", project: "Alpha", failedAt: minutesAgo(20), error: "disk <full>" },
          ],
          total: 3,
        },
      },
      30,
      NOW,
      EN,
    );
    expect(text).toBe(
      [
        "<b>Stuck runs</b> — 5 running longer than 30m, oldest first",
        "<pre>age     kind     id  name",
        "2h 15m  worker   7   embed&lt;x&gt;",
        "45m     process  9   sync</pre>",
        "<i>+3 more</i>",
        "<b>Failed processes</b> — 3 in the last 24 h",
        "• import [Alpha] 20m ago: disk &lt;full&gt;",
        "<i>+2 more</i>",
      ].join("\n"),
    );
  });

  it("says LabPics's cleanup did not reap worker runs past 30 minutes, and shows the SQL", () => {
    const worker = (id: number, minutes: number) => ({
      kind: "worker" as const,
      id,
      name: "embeddings_run",
      projectId: "p",
      project: "Acme",
      startedAt: minutesAgo(minutes),
    });
    const text = renderStuck(
      { runs: [worker(61, 95), worker(62, 95), worker(70, 20)], total: 3 },
      15,
      NOW,
      EN,
    );
    expect(text).toContain(
      "🧹 LabPics's dead-job cleanup (30m) did not reap these 2 worker runs. To mark them failed, run on its database (the bot never writes there):\n" +
        "<code>UPDATE worker_runs SET status = 'failed', finished_at = now(), error = 'orphaned: marked failed by an operator' WHERE status = 'running' AND id IN (61, 62);</code>",
    );
    expect(renderStuck({ runs: [worker(70, 20)], total: 1 }, 15, NOW, EN)).not.toContain("🧹");
  });
});
