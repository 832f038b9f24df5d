// An alert's own runbook on real PostgreSQL: stored with its episode, read back by the
// tick and by delivery, and carried in the outbox's snapshot.
import { describe, expect, it } from "vitest";
import { loadOpenAlerts, saveAlerts } from "../../src/alerts/alert-store.js";
import { enqueue, pendingNotifications } from "../../src/alerts/outbox-store.js";
import type { AlertState } from "../../src/alerts/types.js";
import { useMigratedPool } from "../kit/migrated-pool.js";

const NOW = new Date("2026-12-01T03:00:00Z");
const runbook = { title: "High5xxRate", url: "https://wiki.example/rb/5xx" };
const episode = { firingSince: NOW, resolvedAt: null, notifiedAt: null, queuedAt: NOW };
const am: AlertState = {
  fingerprint: "am:High5xxRate:0a",
  kind: "am",
  source: "alertmanager",
  summary: "5xx above 5 %",
  runbook,
  ...episode,
};
const stuck: AlertState = {
  fingerprint: "stuck_worker:1",
  kind: "stuck_worker",
  source: "stuck",
  summary: "stuck",
  ...episode,
};

const db = useMigratedPool();

describe("an alert's runbook", () => {
  it("is stored with the alert, read back, and dropped when the alert no longer has one", async () => {
    await saveAlerts(db.pool, [am, stuck]);
    const open = await loadOpenAlerts(db.pool);
    expect(open.find((a) => a.fingerprint === am.fingerprint)).toMatchObject({ runbook });
    expect(open.find((a) => a.fingerprint === stuck.fingerprint)).not.toHaveProperty("runbook");

    const { runbook: _dropped, ...without } = am;
    await saveAlerts(db.pool, [without]);
    const again = await loadOpenAlerts(db.pool);
    expect(again.find((a) => a.fingerprint === am.fingerprint)).not.toHaveProperty("runbook");
  });

  it("travels in the outbox's snapshot", async () => {
    await enqueue(db.pool, "firing", [am, stuck], { chatId: -1001234567890 }, NOW);
    const [row] = await pendingNotifications(db.pool, NOW, 10);
    expect(row!.alerts.map((a) => a.runbook)).toEqual([runbook, undefined]);
  });
});
