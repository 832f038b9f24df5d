// Which alerts a new silence is recorded for: those firing now that its keys cover, exact
// or by prefix; none resolved, none it does not match.
import { describe, expect, it } from "vitest";
import { recordSilenced } from "../../src/incidents/alert-events.js";
import { useMigratedPool } from "../kit/migrated-pool.js";
import { events } from "./helpers.js";

const NOW = new Date("2030-06-01T07:00:00Z");
const UNTIL = new Date("2030-06-01T09:00:00Z");

describe("recordSilenced", () => {
  const db = useMigratedPool();

  it("records each firing alert an exact key or a prefix covers, with who and until when", async () => {
    await db.pool.query(
      `INSERT INTO opsbot.alerts (fingerprint, kind, source, summary, firing_since, resolved_at)
       VALUES ('job_failed:sync', 'job_failed', 'jobs', 's', $1, NULL),
              ('job_failed:embed', 'job_failed', 'jobs', 's', $1, NULL),
              ('job_failed:old', 'job_failed', 'jobs', 's', $1, $1),
              ('job_suspended:sync', 'job_suspended', 'jobs', 's', $1, NULL),
              ('api_down', 'api_down', 'api', 's', $1, NULL),
              ('redis_down', 'redis_down', 'redis', 's', $1, NULL)`,
      [NOW],
    );
    await recordSilenced(
      db.pool,
      ["job_failed:*", "api_down", "pg_down"],
      { by: { id: 1001, name: "@olga_ops" }, until: UNTIL },
      NOW,
    );
    const recorded = await events(db.pool);
    expect(recorded.map((e) => [e.fingerprint, e.severity])).toEqual([
      ["api_down", "critical"],
      ["job_failed:embed", "warning"],
      ["job_failed:sync", "warning"],
    ]);
    expect(
      recorded.every(
        (e) =>
          e.event === "silenced" &&
          e.actor_id === 1001 &&
          e.actor_name === "@olga_ops" &&
          e.detail === UNTIL.toISOString() &&
          e.at.getTime() === NOW.getTime(),
      ),
    ).toBe(true);
  });
});
