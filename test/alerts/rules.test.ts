import { describe, expect, it } from "vitest";
import { evaluateRules, type Snapshot } from "../../src/alerts/rules.js";
import type { Job } from "../../src/checks/listings/jobs.js";
import type { StuckRun } from "../../src/checks/listings/stuck.js";
import type { ConnectorSync } from "../../src/checks/listings/sync.js";
import { RULES } from "../kit/alerts.js";

const now = new Date("2026-11-28T12:00:00Z");
const healthy: Snapshot = {
  postgres: { status: "ok", connections: { used: 10, max: 100 } },
  stuck: { runs: [], complete: true },
  processes: { runs: [], complete: true },
  jobs: [],
  connectors: [],
  scheduler: { overdueJobs: 0, lastRunStartedAt: now, stalled: false },
};
const fingerprints = (snapshot: Snapshot, previous = {}, downAfterChecks = 2) =>
  evaluateRules(snapshot, previous, { ...RULES, downAfterChecks }).alerts.map((a) => a.fingerprint);

const PROJECT_A = "00000000-0000-4000-8000-00000000000a";
const PROJECT_B = "00000000-0000-4000-8000-00000000000b";

// The same rules on both shapes: the labpics shape names projects and scopes fingerprints.
describe.each([
  {
    shape: "labpics",
    projectId: PROJECT_A,
    project: "Acme",
    key: (k: string) => `${PROJECT_A}:${k}`,
  },
  { shape: "reference", projectId: null, project: null, key: (k: string) => k },
])("alert rules ($shape shape)", ({ projectId, project, key }) => {
  const job = (over: Partial<Job>): Job => ({
    projectId,
    project,
    jobType: "digest",
    status: "active",
    lastStatus: "ok",
    lastRunAt: now,
    nextRunAt: now,
    lastError: null,
    startedAt: null,
    failed: false,
    overdue: false,
    suspended: false,
    stuck: false,
    ...over,
  });
  const run = (kind: StuckRun["kind"], id: number, name: string): StuckRun => ({
    kind,
    id,
    name,
    projectId,
    project,
    startedAt: now,
  });
  const connector = (over: Partial<ConnectorSync>): ConnectorSync => ({
    projectId,
    project,
    connector: "linear",
    lastStatus: "ok",
    lastSyncedAt: now,
    lastAttemptAt: now,
    lastError: null,
    failed: false,
    partial: false,
    stuck: false,
    idle: false,
    mock: false,
    stale: false,
    ...over,
  });

  it("finds nothing in a healthy system and evaluates every source but the probed ones", () => {
    const evaluation = evaluateRules(healthy, {}, RULES);
    expect(evaluation.alerts).toEqual([]);
    // api_down and redis_down are the probe loop's (probe-loop.ts): a tick leaves them alone.
    expect([...evaluation.evaluated].sort()).toEqual([
      "jobs",
      "postgres",
      "processes",
      "scheduler",
      "stuck",
      "sync",
      "watcher",
    ]);
  });

  it("fingerprints stuck runs, jobs and connectors by their real statuses", () => {
    const snapshot: Snapshot = {
      ...healthy,
      stuck: { complete: true, runs: [run("worker", 61, "embeddings_run")] },
      processes: { complete: true, runs: [run("process", 6, "kag_recompute")] },
      jobs: [
        job({ jobType: "sync", failed: true, lastError: "boom" }),
        job({ jobType: "rollup", overdue: true }),
        job({ jobType: "signals", status: "suspended", suspended: true }),
        job({ jobType: "embeddings", status: "running", stuck: true, startedAt: now }),
      ],
      connectors: [
        connector({ connector: "linear", lastStatus: "failed", failed: true, lastError: "401" }),
        connector({ connector: "attio", lastStatus: "partial", partial: true }),
        connector({ connector: "chatwoot", lastStatus: "running", stuck: true }),
        connector({ connector: "slack", lastSyncedAt: null, stale: true }),
        connector({ connector: "idle", lastStatus: "idle", idle: true, lastSyncedAt: null }),
      ],
    };
    expect(fingerprints(snapshot)).toEqual([
      `stuck_worker:${key("61")}`,
      `stuck_process:${key("6")}`,
      `job_failed:${key("sync")}`,
      `job_overdue:${key("rollup")}`,
      `job_suspended:${key("signals")}`,
      `stuck_worker:${key("embeddings")}`,
      `connector_failed:${key("linear")}`,
      `connector_partial:${key("attio")}`,
      `connector_failed:${key("chatwoot")}`,
      `connector_stale:${key("slack")}`,
    ]);
    const alerts = evaluateRules(snapshot, {}, RULES).alerts;
    if (project !== null) {
      expect(alerts.every((a) => a.summary.includes(`[${project}]`))).toBe(true);
    }
    expect(alerts.find((a) => a.kind === "job_suspended")?.summary).toContain("suspended");
  });

  it("fires scheduler_stalled when the scheduler check says so", () => {
    const stalled: Snapshot = {
      ...healthy,
      scheduler: { overdueJobs: 12, lastRunStartedAt: null, stalled: true },
    };
    const alerts = evaluateRules(stalled, {}, RULES).alerts;
    expect(alerts.map((a) => a.fingerprint)).toEqual(["scheduler_stalled"]);
    expect(alerts[0]?.summary).toContain("12 active job(s) overdue");
  });
});

describe("alert rules (both shapes alike)", () => {
  it("gives the same job failing in two projects two fingerprints", () => {
    const failing = (projectId: string, project: string): Job => ({
      projectId,
      project,
      jobType: "embeddings_run",
      status: "active",
      lastStatus: "failed",
      lastRunAt: now,
      nextRunAt: now,
      lastError: "boom",
      startedAt: null,
      failed: true,
      overdue: false,
      suspended: false,
      stuck: false,
    });
    expect(
      fingerprints({
        ...healthy,
        jobs: [failing(PROJECT_A, "Acme"), failing(PROJECT_B, "Globex")],
      }),
    ).toEqual([`job_failed:${PROJECT_A}:embeddings_run`, `job_failed:${PROJECT_B}:embeddings_run`]);
  });

  it("fires watcher_degraded:<check> with the reason after DOWN_AFTER_CHECKS blind ticks", () => {
    const { jobs: _j, ...rest } = healthy;
    const blind: Snapshot = { ...rest, blind: { jobs: "schema mismatch: scheduled_jobs" } };
    const first = evaluateRules(blind, {}, RULES);
    expect(first.alerts).toEqual([]);
    expect(first.failures["check:jobs"]).toBe(1);
    expect(first.reasons["check:jobs"]).toBe("schema mismatch: scheduled_jobs");
    const second = evaluateRules(blind, first.failures, RULES);
    expect(second.alerts).toHaveLength(1);
    expect(second.alerts[0]).toMatchObject({
      fingerprint: "watcher_degraded:jobs",
      kind: "watcher_degraded",
      source: "watcher",
    });
    expect(second.alerts[0]?.summary).toContain("schema mismatch: scheduled_jobs");
    // Evaluated again: the count starts over and nothing fires, so the alert resolves.
    const back = evaluateRules(healthy, second.failures, RULES);
    expect(back.failures["check:jobs"]).toBe(0);
    expect(back.alerts).toEqual([]);
    expect(back.evaluated.has("watcher")).toBe(true);
  });

  it("fires pg_connections_high above 80% of max_connections for DOWN_AFTER_CHECKS ticks", () => {
    const busy = (used: number): Snapshot => ({
      ...healthy,
      postgres: { status: "ok", connections: { used, max: 100 } },
    });
    expect(fingerprints(busy(80), { pg_connections_high: 5 })).toEqual([]);
    // One busy sample pages nobody (it used to fire, then resolve on the next tick).
    const first = evaluateRules(busy(81), {}, RULES);
    expect(first.alerts).toEqual([]);
    expect(first.failures.pg_connections_high).toBe(1);
    expect(fingerprints(busy(81), first.failures)).toEqual(["pg_connections_high"]);
    expect(evaluateRules(busy(50), first.failures, RULES).failures).toMatchObject({
      pg_connections_high: 0,
    });
  });

  it("makes a suspension supersede the job's failure: job_failed ends without a recovery", () => {
    const suspended: Job = {
      projectId: PROJECT_A,
      project: "Acme",
      jobType: "signals_extraction",
      status: "suspended",
      lastStatus: "failed",
      lastRunAt: now,
      nextRunAt: now,
      lastError: "429",
      startedAt: null,
      failed: false,
      overdue: false,
      suspended: true,
      stuck: false,
    };
    const [alert] = evaluateRules({ ...healthy, jobs: [suspended] }, {}, RULES).alerts;
    expect(alert).toMatchObject({
      fingerprint: `job_suspended:${PROJECT_A}:signals_extraction`,
      supersedes: `job_failed:${PROJECT_A}:signals_extraction`,
    });
    expect(alert!.summary).toContain("suspended by the scheduler after repeated failures: 429");
  });

  it("leaves a source unevaluated when its query failed or its list was cut short", () => {
    const { stuck: _s, jobs: _j, ...partial } = healthy;
    const evaluation = evaluateRules(
      { ...partial, stuck: { runs: [], complete: false } },
      {},
      RULES,
    );
    expect(evaluation.evaluated.has("stuck")).toBe(false);
    expect(evaluation.evaluated.has("jobs")).toBe(false);
    expect(evaluation.evaluated.has("sync")).toBe(true);
  });
});
