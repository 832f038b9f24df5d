// Migration 0008 on a database that already holds silences and alerts: they keep working
// (a silence starts when it was created), and a key may then hold several windows.
import { describe, expect, it } from "vitest";
import { loadOpenAlerts, loadSilences, saveSilences } from "../../src/alerts/alert-store.js";
import { migrate } from "../../src/db/migrate.js";
import { useMigratedPool } from "../kit/migrated-pool.js";
import { insertFiringAlert } from "../kit/rows.js";

const HOUR = 3_600_000;

const db = useMigratedPool({ before: "0008" });

describe("migration 0008", () => {
  it("keeps existing silences (starting when created) and alerts, then allows several windows per key", async () => {
    const { pool } = db;
    const created = new Date("2026-11-30T10:00:00Z");
    const until = new Date(created.getTime() + 48 * HOUR);
    await pool.query(
      "INSERT INTO opsbot.silences (matcher, until, created_by, created_at) VALUES ('job_failed:*', $1, '@olga', $2)",
      [until, created],
    );
    await insertFiringAlert(pool, {
      kind: "api_down",
      source: "api",
      summary: "API down",
      firingSince: created,
    });

    expect((await migrate(pool)).applied).toContain("0008_alert_routing.sql");

    const now = new Date(created.getTime() + HOUR);
    expect(await loadSilences(pool, now)).toEqual([
      { matcher: "job_failed:*", startsAt: created, until, createdBy: "@olga" },
    ]);
    expect(await loadOpenAlerts(pool)).toMatchObject([
      { fingerprint: "api_down", resolvedAt: null },
    ]);
    expect((await loadOpenAlerts(pool))[0]).not.toHaveProperty("severity");

    const later = {
      startsAt: new Date(until.getTime() + HOUR),
      until: new Date(until.getTime() + 2 * HOUR),
    };
    await saveSilences(pool, ["job_failed:*"], later, "@omar", now);
    expect((await loadSilences(pool, now)).map((s) => s.startsAt)).toEqual([
      created,
      later.startsAt,
    ]);
  });
});
