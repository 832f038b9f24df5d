// /stuck's merge of stuck workers and processes (listings/stuck-report.ts), from plain data.
import { describe, expect, it } from "vitest";
import { stuckReport } from "../../../src/checks/listings/stuck-report.js";
import type { StuckRun, StuckRuns } from "../../../src/checks/listings/stuck.js";

const run = (kind: StuckRun["kind"], id: number, hour: number): StuckRun => ({
  kind,
  id,
  name: `${kind}-${id}`,
  projectId: null,
  project: null,
  startedAt: new Date(Date.UTC(2026, 11, 6, hour)),
});
const ok = <T>(value: T): PromiseFulfilledResult<T> => ({ status: "fulfilled", value });
const failed = (message: string): PromiseRejectedResult => ({
  status: "rejected",
  reason: new Error(message),
});
const workers: StuckRuns = { runs: [run("worker", 1, 3), run("worker", 2, 1)], total: 5 };
const processes: StuckRuns = { runs: [run("process", 7, 2)], total: 1 };
const noFailures = ok({ failed: [], total: 0 });

describe("stuckReport", () => {
  it("merges workers and processes oldest first, cut at the limit, counting all", () => {
    const report = stuckReport(
      { workers: ok(workers), processes: ok(processes), failed: noFailures },
      2,
    );
    expect(report.runs.map((r) => r.id)).toEqual([2, 7]);
    expect(report.total).toBe(6);
    expect(report.failedProcesses).toEqual({ failed: [], total: 0 });
  });

  it("shows the workers, and says why, when processes cannot be read", () => {
    const report = stuckReport(
      { workers: ok(workers), processes: failed("no process_runs"), failed: failed("x") },
      10,
    );
    expect(report.runs.map((r) => r.id)).toEqual([2, 1]);
    expect(report.processesError).toBe("no process_runs");
    expect(report.failedProcesses).toBeUndefined();
  });

  it("throws the workers' error: without them there is nothing to show", () => {
    expect(() =>
      stuckReport({ workers: failed("boom"), processes: ok(processes), failed: noFailures }, 10),
    ).toThrow("boom");
  });
});
