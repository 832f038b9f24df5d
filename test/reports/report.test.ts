// The report's figures over a scripted week (scripted-week.ts) on a fixed clock, against
// opsbot's real schema: every figure is worked out by hand in the comments.
import { beforeAll, describe, expect, it } from "vitest";
import { countIncidentsOpened } from "../../src/incidents/incident-read.js";
import { buildReport, pagesByDay } from "../../src/reports/build-report.js";
import { useMigratedPool } from "../kit/migrated-pool.js";
import {
  insertEvents,
  insertFlapMarks,
  insertSilences,
  REPORT_NOW,
  REPORT_TZ,
  SCRIPTED_WEEK,
} from "./scripted-week.js";

const db = useMigratedPool();
const MIN = 60_000;

beforeAll(async () => {
  await insertEvents(db.pool, SCRIPTED_WEEK);
  await insertFlapMarks(db.pool);
  await insertSilences(db.pool);
});

const deps = () => ({
  pool: db.pool,
  tz: REPORT_TZ,
  countIncidents: (window: { from: Date; to: Date }) => countIncidentsOpened(db.pool, window),
});

describe("the 7-day report over the scripted week", () => {
  it("counts the pages in the window and those outside working hours in ONCALL_TZ", async () => {
    const report = await buildReport(deps(), "7d", REPORT_NOW);
    // In (Mon 06-03 10:00, Mon 06-10 10:00] UTC: A, B, C, D, H (G before, the last after).
    expect(report.pages).toBe(5);
    // A Tue 05:01 MSK (night), C Thu 20:00 (after 19:00), D Sat 12:02 (weekend); B Wed
    // 11:01 and H Mon 12:31 are working hours.
    expect(report.pagesOutsideHours).toBe(3);
    expect(report.pagesPerDay).toEqual([
      { day: "2030-06-04", pages: 1 },
      { day: "2030-06-05", pages: 1 },
      { day: "2030-06-06", pages: 1 },
      { day: "2030-06-08", pages: 1 },
      { day: "2030-06-10", pages: 1 },
    ]);
  });

  it("gives MTTA (page to first ack) and MTTR (fire to resolve) p50/p90 of the pages, as worked out by hand", async () => {
    const report = await buildReport(deps(), "7d", REPORT_NOW);
    // MTTA: A 4, B 2 (its second ack is not the first), C 10, D 6 min; H not acked.
    // Sorted 2, 4, 6, 10. p50 (interpolated) at rank 0.5 × 3 = 1.5: 4 + 0.5 × (6 - 4) = 5 min.
    // p90 at rank 0.9 × 3 = 2.7: 6 + 0.7 × (10 - 6) = 8.8 min.
    expect(report.mtta.count).toBe(4);
    expect(report.mtta.p50).toBeCloseTo(5 * MIN, 3);
    expect(report.mtta.p90).toBeCloseTo(8.8 * MIN, 3);
    // MTTR: A 31, B 60, C 20, D 120 min; H not resolved, G fired before the window, E never
    // paged. Sorted 20, 31, 60, 120. p50 at 1.5: 31 + 0.5 × (60 - 31) = 45.5 min.
    // p90 at 2.7: 60 + 0.7 × (120 - 60) = 102 min.
    expect(report.mttr.count).toBe(4);
    expect(report.mttr.p50).toBeCloseTo(45.5 * MIN, 3);
    expect(report.mttr.p90).toBeCloseTo(102 * MIN, 3);
  });

  it("lists the noisiest kinds and alerts by times fired, and the flapping ones", async () => {
    const report = await buildReport(deps(), "7d", REPORT_NOW);
    // Fired in the window: job_failed:p:sync 5, api_down 3 (A, C, H), pg_down 1 (B),
    // redis_down 1, stuck_worker:p:7 1.
    expect(report.noisiestKinds).toEqual([
      { kind: "job_failed", fired: 5 },
      { kind: "api_down", fired: 3 },
      { kind: "pg_down", fired: 1 },
      { kind: "redis_down", fired: 1 },
      { kind: "stuck_worker", fired: 1 },
    ]);
    expect(report.noisiestAlerts[0]).toEqual({
      fingerprint: "job_failed:p:sync",
      kind: "job_failed",
      fired: 5,
    });
    // Marked flapping in the window: job_failed:p:sync twice, stuck_worker:p:7 once (pg_down's
    // mark is older than the week).
    expect(report.flapping).toEqual([
      { fingerprint: "job_failed:p:sync", kind: "job_failed", times: 2 },
      { fingerprint: "stuck_worker:p:7", kind: "stuck_worker", times: 1 },
    ]);
  });

  it("lists the silences in force now, the longest first", async () => {
    const report = await buildReport(deps(), "7d", REPORT_NOW);
    // The 7-day one, then the 1-hour one; the ended and the scheduled ones are not in force.
    expect(report.longestSilences.map((s) => [s.matcher, s.createdBy])).toEqual([
      ["connector_stale:*", "Ann"],
      ["api_down", "Bob"],
    ]);
  });

  it("gives every day of the window for the chart, days without a page at 0", async () => {
    const report = await buildReport(deps(), "7d", REPORT_NOW);
    // From Mon 06-03 13:00 MSK to Mon 06-10 13:00 MSK: 8 calendar days, both Mondays partial.
    expect(pagesByDay(report)).toEqual([
      { day: "2030-06-03", pages: 0 },
      { day: "2030-06-04", pages: 1 },
      { day: "2030-06-05", pages: 1 },
      { day: "2030-06-06", pages: 1 },
      { day: "2030-06-07", pages: 0 },
      { day: "2030-06-08", pages: 1 },
      { day: "2030-06-09", pages: 0 },
      { day: "2030-06-10", pages: 1 },
    ]);
  });

  it("asks the incident record for the window's incidents", async () => {
    const asked: { from: Date; to: Date }[] = [];
    const report = await buildReport(
      {
        ...deps(),
        countIncidents: (window) => {
          asked.push(window);
          return Promise.resolve(3);
        },
      },
      "7d",
      REPORT_NOW,
    );
    expect(report.incidents).toBe(3);
    expect(asked).toEqual([
      { period: "7d", from: new Date("2030-06-03T10:00:00Z"), to: REPORT_NOW },
    ]);
  });
});

describe("the 30-day report", () => {
  it("reaches back 30 days: the episode before the week counts, and its page", async () => {
    const report = await buildReport(deps(), "30d", REPORT_NOW);
    // G too: paged Mon 06-03 12:01 MSK (working hours), resolved after 120 min.
    expect(report.pages).toBe(6);
    expect(report.pagesOutsideHours).toBe(3);
    // MTTR sorted 20, 31, 60, 120, 120: p50 is the 3rd, 60 min.
    expect(report.mttr.count).toBe(5);
    expect(report.mttr.p50).toBeCloseTo(60 * MIN, 3);
  });
});
