// Which alerts a new silence is recorded for: those firing now that its keys cover, exact
// or by prefix; none resolved, none it does not match.
import { describe, expect, it } from "vitest";
import { recordStartedWindows, silenceKeys } from "../../src/alerts/silence-actions.js";
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

  it("a window set on several keys is recorded now for those it joins in force, at its start for the rest", async () => {
    const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
    await db.pool.query("TRUNCATE opsbot.alerts, opsbot.alert_events, opsbot.silences");
    await db.pool.query(
      `INSERT INTO opsbot.alerts (fingerprint, kind, source, summary, firing_since, resolved_at)
       VALUES ('job_failed:sync', 'job_failed', 'jobs', 's', $1, NULL),
              ('job_failed:embed', 'job_failed', 'jobs', 's', $1, NULL)`,
      [minutes(-10)],
    );
    const olga = { id: 1001, name: "@olga_ops" };
    // sync is silenced until +45 min; a window from +30 to +120 min on both keys joins it.
    await silenceKeys(
      db.pool,
      ["job_failed:sync"],
      { startsAt: NOW, until: minutes(45) },
      olga,
      NOW,
    );
    await db.pool.query("TRUNCATE opsbot.alert_events");
    await silenceKeys(
      db.pool,
      ["job_failed:sync", "job_failed:embed"],
      { startsAt: minutes(30), until: minutes(120) },
      olga,
      minutes(5),
    );
    await recordStartedWindows(db.pool, minutes(29));
    await recordStartedWindows(db.pool, minutes(31));
    const recorded = await events(db.pool);
    expect(recorded.map((e) => [e.fingerprint, e.at])).toEqual([
      ["job_failed:sync", minutes(5)],
      ["job_failed:embed", minutes(30)],
    ]);
  });
});
