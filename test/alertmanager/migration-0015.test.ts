// Migration 0015 on a database holding an Alertmanager alert frozen by a far-future
// startsAt: after it, the alert's next notification is stored again.
import { describe, expect, it } from "vitest";
import { loadFiringAlerts, storeAlerts } from "../../src/alertmanager/am-store.js";
import type { ReceivedAlert } from "../../src/alertmanager/payload.js";
import { migrate } from "../../src/db/migrate.js";
import { useMigratedPool } from "../kit/migrated-pool.js";

const NOW = new Date("2026-12-01T06:00:00Z");

const db = useMigratedPool({ before: "0015" });

const alert = (status: ReceivedAlert["status"], startsAt: string): ReceivedAlert => ({
  fingerprint: "am:DiskFull:01",
  status,
  severity: "warning",
  summary: "disk full",
  labels: { alertname: "DiskFull" },
  annotations: {},
  startsAt: new Date(startsAt),
  endsAt: null,
  generatorUrl: null,
});

describe("migration 0015", () => {
  it("unfreezes an alert stored with a far-future startsAt; a sane one is left alone", async () => {
    const { pool } = db;
    await storeAlerts(pool, [alert("firing", "2999-01-01T00:00:00Z")], NOW);
    // Frozen: its resolution, with the real startsAt, is older and changes nothing.
    await storeAlerts(pool, [alert("resolved", "2026-12-01T05:00:00Z")], NOW);
    expect(await loadFiringAlerts(pool)).toHaveLength(1);

    await migrate(pool);
    await storeAlerts(pool, [alert("resolved", "2026-12-01T05:00:00Z")], NOW);
    expect(await loadFiringAlerts(pool)).toEqual([]);
    const { rows } = await pool.query<{ starts_at: Date }>(
      "SELECT starts_at FROM opsbot.am_alerts",
    );
    expect(rows[0]!.starts_at).toEqual(new Date("2026-12-01T05:00:00Z"));
  });
});
