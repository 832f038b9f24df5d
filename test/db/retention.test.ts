// Retention: what is pruned, what is never pruned, and that the watcher tick does it.
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { Pool } from "../../src/db/pool.js";
import { pruneOldRows } from "../../src/db/retention.js";
import { buildAlertApp, startApiHealth, tick } from "../kit/alerts.js";
import { createFakeClock } from "../kit/fake-clock.js";
import { useMigratedPool } from "../kit/migrated-pool.js";

const DAY = 86_400_000;
const NOW = new Date("2030-06-01T00:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const POLICY = { days: 30, auditDays: 365 };

async function addAction(pool: Pool, state: string, createdAt: Date): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO opsbot.actions (id, kind, ref, state, requested_by, requested_by_name, chat_id,
       created_at, expires_at)
     VALUES ($1, 'deploy', 'v1', $2, 1, 'olga', -100, $3, $3)`,
    [id, state, createdAt],
  );
  await pool.query("INSERT INTO opsbot.audit (action_id, at, event) VALUES ($1, $2, 'requested')", [
    id,
    createdAt,
  ]);
  return id;
}

async function addOutbox(
  pool: Pool,
  createdAt: Date,
  sentAt: Date | null,
  cancelledAt: Date | null,
) {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO opsbot.outbox (kind, alerts, chat_id, created_at, next_attempt_at, sent_at, cancelled_at)
     VALUES ('firing', '[]', -100, $1, $1, $2, $3) RETURNING id`,
    [createdAt, sentAt, cancelledAt],
  );
  return Number(rows[0]!.id);
}

const ids = async (pool: Pool, sql: string) =>
  (await pool.query<{ id: string }>(sql)).rows.map((r) => String(r.id)).sort();

describe("pruneOldRows", () => {
  const db = useMigratedPool();
  beforeEach(async () => {
    await db.pool.query(
      "TRUNCATE opsbot.audit, opsbot.actions, opsbot.outbox, opsbot.conversations, opsbot.seen_updates, opsbot.silences, opsbot.am_alerts, opsbot.alert_events, opsbot.incidents, opsbot.alert_episodes, opsbot.flap_marks, opsbot.report_posts CASCADE",
    );
  });

  it("keeps finished actions and their audit for the audit period, then deletes both", async () => {
    const recent = await addAction(db.pool, "succeeded", daysAgo(100));
    await addAction(db.pool, "failed", daysAgo(400));
    const deleted = await pruneOldRows(db.pool, POLICY, NOW);
    expect(deleted).toMatchObject({ actions: 1, audit: 1 });
    expect(await ids(db.pool, "SELECT id FROM opsbot.actions")).toEqual([recent]);
    expect(await ids(db.pool, "SELECT action_id AS id FROM opsbot.audit")).toEqual([recent]);
  });

  it("never deletes a pending or running action, however old", async () => {
    const pending = await addAction(db.pool, "pending", daysAgo(900));
    const running = await addAction(db.pool, "running", daysAgo(900));
    await pruneOldRows(db.pool, POLICY, NOW);
    expect(await ids(db.pool, "SELECT id FROM opsbot.actions")).toEqual([pending, running].sort());
    expect(await ids(db.pool, "SELECT action_id AS id FROM opsbot.audit")).toHaveLength(2);
  });

  it("deletes alert messages sent or cancelled before the period, never an unsent one", async () => {
    const unsent = await addOutbox(db.pool, daysAgo(90), null, null);
    const recentlySent = await addOutbox(db.pool, daysAgo(10), daysAgo(10), null);
    await addOutbox(db.pool, daysAgo(40), daysAgo(40), null);
    await addOutbox(db.pool, daysAgo(40), null, daysAgo(40));
    await pruneOldRows(db.pool, POLICY, NOW);
    expect(await ids(db.pool, "SELECT id FROM opsbot.outbox")).toEqual(
      [String(unsent), String(recentlySent)].sort(),
    );
  });

  it("deletes stale dialogue state, long-ended silences and expired dedup claims", async () => {
    await db.pool.query(
      `INSERT INTO opsbot.conversations (key, value, updated_at) VALUES
         ('old', '{}', $1), ('new', '{}', $2)`,
      [daysAgo(31), daysAgo(1)],
    );
    await db.pool.query(
      `INSERT INTO opsbot.silences (matcher, until, created_by) VALUES
         ('api_down', $1, 'olga'), ('pg_down', $2, 'olga')`,
      [daysAgo(31), daysAgo(1)],
    );
    await db.pool.query(
      "INSERT INTO opsbot.seen_updates (update_id, expires_at) VALUES (1, $1), (2, $2)",
      [daysAgo(1), new Date(NOW.getTime() + DAY)],
    );
    await pruneOldRows(db.pool, POLICY, NOW);
    const keys = await db.pool.query<{ key: string }>("SELECT key FROM opsbot.conversations");
    expect(keys.rows).toEqual([{ key: "new" }]);
    const matchers = await db.pool.query<{ matcher: string }>(
      "SELECT matcher FROM opsbot.silences",
    );
    expect(matchers.rows).toEqual([{ matcher: "pg_down" }]);
    expect(await ids(db.pool, "SELECT update_id AS id FROM opsbot.seen_updates")).toEqual(["2"]);
  });
  it("keeps /report's episodes and flapping marks a month even with a shorter period, and its posted slots the period", async () => {
    await db.pool.query(
      `INSERT INTO opsbot.alert_episodes (fingerprint, kind, severity, fired_at) VALUES
         ('old', 'api_down', 'critical', $1), ('month', 'api_down', 'critical', $2)`,
      [daysAgo(32), daysAgo(30)],
    );
    await db.pool.query(
      `INSERT INTO opsbot.flap_marks (at, fingerprint, kind) VALUES
         ($1, 'old', 'api_down'), ($2, 'month', 'api_down')`,
      [daysAgo(32), daysAgo(30)],
    );
    await db.pool.query(
      "INSERT INTO opsbot.report_posts (slot_at, claimed_at) VALUES ($1, $1), ($2, $2)",
      [daysAgo(8), daysAgo(1)],
    );
    expect(await pruneOldRows(db.pool, { ...POLICY, days: 7 }, NOW)).toMatchObject({
      alert_episodes: 1,
      flap_marks: 1,
      report_posts: 1,
    });
    expect(await ids(db.pool, "SELECT fingerprint AS id FROM opsbot.alert_episodes")).toEqual([
      "month",
    ]);
    expect(await ids(db.pool, "SELECT fingerprint AS id FROM opsbot.flap_marks")).toEqual([
      "month",
    ]);
  });

  it("deletes Alertmanager alerts resolved before the period, never a firing one", async () => {
    await db.pool.query(
      `INSERT INTO opsbot.am_alerts
         (fingerprint, status, severity, summary, labels, annotations, starts_at, received_at)
       VALUES ('am:A:old', 'resolved', 'warning', 'a', '{}', '{}', $1, $1),
              ('am:B:new', 'resolved', 'warning', 'b', '{}', '{}', $2, $2),
              ('am:C:firing', 'firing', 'critical', 'c', '{}', '{}', $1, $1)`,
      [daysAgo(31), daysAgo(1)],
    );
    expect(await pruneOldRows(db.pool, POLICY, NOW)).toMatchObject({ am_alerts: 1 });
    expect(await ids(db.pool, "SELECT fingerprint AS id FROM opsbot.am_alerts")).toEqual([
      "am:B:new",
      "am:C:firing",
    ]);
  });

  it("deletes alert events and incidents closed before the period, never an open incident", async () => {
    await db.pool.query(
      `INSERT INTO opsbot.alert_events (at, fingerprint, kind, severity, event) VALUES
         ($1, 'api_down', 'api_down', 'critical', 'fired'),
         ($2, 'api_down', 'api_down', 'critical', 'resolved')`,
      [daysAgo(31), daysAgo(1)],
    );
    await db.pool.query(
      `INSERT INTO opsbot.incidents (id, opened_at, closed_at) VALUES
         (1, $1, $1), (2, $1, $2), (3, $1, NULL)`,
      [daysAgo(40), daysAgo(1)],
    );
    await db.pool.query(
      `INSERT INTO opsbot.incident_alerts
         (incident_id, fingerprint, firing_since, kind, severity, summary, paged_at, resolved_at)
       VALUES (1, 'api_down', $1, 'api_down', 'critical', 'down', $1, $1)`,
      [daysAgo(40)],
    );
    expect(await pruneOldRows(db.pool, POLICY, NOW)).toMatchObject({
      alert_events: 1,
      incidents: 1,
    });
    expect(await ids(db.pool, "SELECT event AS id FROM opsbot.alert_events")).toEqual(["resolved"]);
    expect(await ids(db.pool, "SELECT id FROM opsbot.incidents")).toEqual(["2", "3"]);
    expect(await ids(db.pool, "SELECT incident_id AS id FROM opsbot.incident_alerts")).toEqual([]);
  });
});

describe("retention on the watcher tick", () => {
  it("prunes with RETENTION_DAYS and AUDIT_RETENTION_DAYS from the configuration", async () => {
    const api = await startApiHealth();
    const clock = createFakeClock(NOW);
    const t = await buildAlertApp(api.url, {
      clock,
      env: { RETENTION_DAYS: "5", AUDIT_RETENTION_DAYS: "10" },
    });
    try {
      const kept = await addOutbox(t.pool, daysAgo(4), daysAgo(4), null);
      await addOutbox(t.pool, daysAgo(6), daysAgo(6), null);
      const action = await addAction(t.pool, "succeeded", daysAgo(9));
      await addAction(t.pool, "succeeded", daysAgo(11));
      await tick(t);
      expect(await ids(t.pool, "SELECT id FROM opsbot.outbox")).toEqual([String(kept)]);
      expect(await ids(t.pool, "SELECT id FROM opsbot.actions")).toEqual([action]);
    } finally {
      await t.close();
      await api.close();
    }
  });
});
