// The checks wired to a test database at a fixed "now", with the documented thresholds
// (STUCK_AFTER_MINUTES 30, JOB_OVERDUE_MINUTES 10, SYNC_STALE_MINUTES 120,
// SCHEDULER_STALL_MINUTES 10) and an API that is never there.
import { pino } from "pino";
import { createChecks, type Checks } from "../../src/checks/create-checks.js";
import { createShapeSource } from "../../src/checks/shape-source.js";
import type { Pool } from "../../src/db/pool.js";
import { createFakeClock } from "./fake-clock.js";

export function checksAt(pool: Pool, now: Date, projectIds: string[] = []): Checks {
  const clock = createFakeClock(now);
  return createChecks({
    pool,
    clock,
    shapes: createShapeSource(pool, pino({ level: "silent" }), clock),
    apiHealthUrl: "http://127.0.0.1:9/health",
    apiMetricsUrl: "http://127.0.0.1:9/metrics",
    overdueMinutes: 10,
    staleMinutes: 120,
    stuckMinutes: 30,
    schedulerStallMinutes: 10,
    projectIds,
    botFacts: () => Promise.resolve({ version: "test", startedAt: now }),
  });
}
