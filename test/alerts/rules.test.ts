import { describe, expect, it } from "vitest";
import { evaluateRules, type Snapshot } from "../../src/alerts/rules.js";
import type { Job } from "../../src/checks/jobs.js";

const now = new Date("2026-11-28T12:00:00Z");
const healthy: Snapshot = {
  api: { status: "ok" },
  postgres: { status: "ok", connections: { used: 10, max: 100 } },
  redis: { status: "ok" },
  stuck: { runs: [], complete: true },
  jobs: [],
  connectors: [],
};
const job = (over: Partial<Job>): Job => ({
  jobType: "digest",
  status: "active",
  lastStatus: "ok",
  lastRunAt: now,
  nextRunAt: now,
  lastError: null,
  failed: false,
  overdue: false,
  ...over,
});
const fingerprints = (snapshot: Snapshot, previous = {}, downAfterChecks = 2) =>
  evaluateRules(snapshot, previous, { downAfterChecks }).alerts.map((a) => a.fingerprint);

describe("alert rules", () => {
  it("finds nothing in a healthy system and evaluates every source", () => {
    const evaluation = evaluateRules(healthy, {}, { downAfterChecks: 2 });
    expect(evaluation.alerts).toEqual([]);
    expect([...evaluation.evaluated].sort()).toEqual([
      "api",
      "jobs",
      "postgres",
      "redis",
      "stuck",
      "sync",
    ]);
  });

  it("fires a component alert only after DOWN_AFTER_CHECKS failing ticks in a row", () => {
    const down: Snapshot = { ...healthy, api: { status: "down", error: "HTTP 503" } };
    const first = evaluateRules(down, {}, { downAfterChecks: 2 });
    expect(first.alerts).toEqual([]);
    expect(first.failures.api).toBe(1);
    const second = evaluateRules(down, first.failures, { downAfterChecks: 2 });
    expect(second.alerts.map((a) => a.fingerprint)).toEqual(["api_down"]);
    expect(second.alerts[0]?.summary).toContain("HTTP 503");
    expect(evaluateRules(healthy, second.failures, { downAfterChecks: 2 }).failures.api).toBe(0);
  });

  it("counts a degraded API as failing and Redis not configured as fine", () => {
    const degraded: Snapshot = {
      ...healthy,
      api: { status: "degraded" },
      redis: { status: "not_configured" },
    };
    expect(fingerprints(degraded, { api: 1, redis: 5 })).toEqual(["api_down"]);
    expect(fingerprints({ ...healthy, redis: { status: "not_configured" } }, { redis: 5 })).toEqual(
      [],
    );
  });

  it("fingerprints stuck runs, failed and overdue jobs, failed and stale connectors", () => {
    const snapshot: Snapshot = {
      ...healthy,
      stuck: {
        complete: true,
        runs: [
          { kind: "worker", id: 61, name: "embeddings_refresh", startedAt: now },
          { kind: "process", id: 6, name: "kag_recompute", startedAt: now },
        ],
      },
      jobs: [
        job({ jobType: "sync", failed: true, lastError: "boom" }),
        job({ jobType: "rollup", overdue: true }),
      ],
      connectors: [
        {
          connector: "notion",
          lastStatus: "failed",
          lastSyncedAt: now,
          lastError: "401",
          failed: true,
          stale: false,
        },
        {
          connector: "slack",
          lastStatus: "ok",
          lastSyncedAt: null,
          lastError: null,
          failed: false,
          stale: true,
        },
      ],
    };
    expect(fingerprints(snapshot)).toEqual([
      "stuck_worker:61",
      "stuck_process:6",
      "job_failed:sync",
      "job_overdue:rollup",
      "connector_failed:notion",
      "connector_stale:slack",
    ]);
  });

  it("fires pg_connections_high above 80% of max_connections", () => {
    const busy = (used: number): Snapshot => ({
      ...healthy,
      postgres: { status: "ok", connections: { used, max: 100 } },
    });
    expect(fingerprints(busy(80))).toEqual([]);
    expect(fingerprints(busy(81))).toEqual(["pg_connections_high"]);
  });

  it("leaves a source unevaluated when its query failed or its list was cut short", () => {
    const { stuck: _s, jobs: _j, ...partial } = healthy;
    const evaluation = evaluateRules(
      { ...partial, stuck: { runs: [], complete: false } },
      {},
      { downAfterChecks: 2 },
    );
    expect(evaluation.evaluated.has("stuck")).toBe(false);
    expect(evaluation.evaluated.has("jobs")).toBe(false);
    expect(evaluation.evaluated.has("sync")).toBe(true);
  });
});
