// LabPics at its size: 200 projects × 15 jobs (and 3 connectors each). The lists fit one
// message, flagged rows first, every count in the header and "+N more" for the rest.
import { describe, expect, it } from "vitest";
import { EN } from "../kit/english.js";
import { MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import { renderJobs } from "../../src/bot/render/jobs.js";
import { renderStuck } from "../../src/bot/render/stuck.js";
import { renderSync } from "../../src/bot/render/sync.js";
import type { Job } from "../../src/checks/listings/jobs.js";
import type { ConnectorSync } from "../../src/checks/listings/sync.js";

const NOW = new Date("2026-12-01T00:00:00Z");
const PROJECTS = Array.from({ length: 200 }, (_, p) => ({
  projectId: `00000000-0000-4000-8000-${String(p).padStart(12, "0")}`,
  project: `Project ${String(p).padStart(3, "0")}`,
}));
const shownRows = (text: string) =>
  (text.match(/<pre>([\s\S]*)<\/pre>/)?.[1] ?? "").split("\n").length - 1;
// Counts are written with the locale's separators: "+2,950 more".
const more = (text: string) => Number(/\+([\d,]+) more/.exec(text)?.[1]?.replace(/,/g, "") ?? 0);

describe("lists at LabPics scale", () => {
  it("/jobs: 3000 jobs in one message, the failed one first, nothing silently cut", () => {
    const jobs: Job[] = PROJECTS.flatMap((p, i) =>
      Array.from({ length: 15 }, (_, j) => ({
        ...p,
        jobType: `job_type_${j}`,
        status: "active",
        lastStatus: "ok",
        lastRunAt: NOW,
        nextRunAt: NOW,
        lastError: null,
        startedAt: null,
        failed: i === 150 && j === 3,
        overdue: false,
        suspended: false,
        stuck: false,
      })),
    );
    jobs.unshift(...jobs.splice(150 * 15 + 3, 1));

    const text = renderJobs(jobs, NOW, EN);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain("1 failed, 0 stuck, 0 overdue, 3,000 total in 200 projects");
    expect(text.indexOf("job_type_3")).toBeLessThan(text.indexOf("job_type_0"));
    expect(text).toContain("Project 150");
    // Every job is either a row shown or counted in "+N more" (the header row aside).
    expect(shownRows(text) + more(text)).toBe(3000);
  });

  it("/sync: 600 connectors in one message with the counts", () => {
    const connectors: ConnectorSync[] = PROJECTS.flatMap((p) =>
      ["chatwoot", "linear", "attio"].map((connector) => ({
        ...p,
        connector,
        lastStatus: "ok",
        lastSyncedAt: NOW,
        lastAttemptAt: NOW,
        lastError: null,
        failed: false,
        partial: false,
        stuck: false,
        idle: false,
        mock: false,
        stale: false,
      })),
    );
    const text = renderSync(connectors, NOW, EN);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain("0 failed, 0 partial, 0 stale, 0 idle, 600 total");
    expect(shownRows(text) + more(text)).toBe(600);
  });
});

describe("/stuck when process runs cannot be read", () => {
  it("lists the stuck workers and says why processes are missing", () => {
    const text = renderStuck(
      {
        runs: [
          {
            kind: "worker",
            id: 42,
            name: "embeddings_run",
            projectId: PROJECTS[0]!.projectId,
            project: "Project 000",
            startedAt: new Date(NOW.getTime() - 90 * 60_000),
          },
        ],
        total: 1,
        processesError: "schema mismatch: connector_events",
      },
      30,
      NOW,
      EN,
    );
    expect(text).toContain("embeddings_run");
    expect(text).toContain("Project 000");
    expect(text).toContain("Process runs could not be read: schema mismatch: connector_events");
  });
});
