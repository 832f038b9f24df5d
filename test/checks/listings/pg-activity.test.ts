// /pg's queries and the pg_long_query / pg_blocked rules against real sessions on real
// PostgreSQL: a client holding a lock, one waiting on it, a pg_sleep query and a client
// idle in a transaction.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnosticsAlerts } from "../../../src/alerts/rules-diagnostics.js";
import { readPgActivity, type PgActivity } from "../../../src/checks/listings/pg-activity.js";
import { createPool, type Pool } from "../../../src/db/pool.js";
import { eventually } from "../../kit/eventually.js";
import { createTestDatabase, type TestDatabase } from "../../kit/postgres.js";

// Real sessions need a real server; embedded PGlite is one backend (see the describe below).
const database: TestDatabase = await createTestDatabase();
let pool: Pool;
const clients: pg.Client[] = [];
const pending: Promise<unknown>[] = [];

async function session(name: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: database.connectionString,
    application_name: name,
  });
  await client.connect();
  clients.push(client);
  return client;
}

const value = <T>(section: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!section.ok) throw new Error(section.error);
  return section.value;
};

let activity: PgActivity;

beforeAll(async () => {
  if (database.embedded) return;
  pool = createPool({ connectionString: database.connectionString, max: 2 });
  await pool.query(
    "CREATE TABLE ledger (id int PRIMARY KEY, amount int); INSERT INTO ledger VALUES (1, 100)",
  );
  const holder = await session("holder");
  await holder.query("BEGIN");
  await holder.query("UPDATE ledger SET amount = 200 WHERE id = 1");
  const waiter = await session("waiter");
  pending.push(waiter.query("UPDATE ledger SET amount = 300 WHERE id = 1").catch(() => undefined));
  const sleeper = await session("sleeper");
  pending.push(
    sleeper
      .query("SELECT pg_sleep(30), 'card 4111-1111' AS secret, 31337 AS pin")
      .catch(() => undefined),
  );
  const idle = await session("idler");
  await idle.query("BEGIN");
  await idle.query("SELECT amount FROM ledger WHERE id = 1 AND amount > 99");
  await eventually(async () => {
    activity = await readPgActivity(pool);
    const { blocked, longest } = activity;
    return (
      blocked.ok &&
      blocked.value.blocked.length === 1 &&
      longest.ok &&
      longest.value.some((s) => s.application === "sleeper")
    );
  });
});

afterAll(async () => {
  for (const client of clients) {
    await client
      .query(
        "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name IN ('waiter', 'sleeper')",
      )
      .catch(() => undefined);
  }
  await Promise.all(pending);
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await pool?.end();
  await database.drop();
});

describe.skipIf(database.embedded)("/pg on real sessions", () => {
  it("counts connections by state against max_connections", () => {
    const connections = value(activity.connections);
    expect(connections.max).toBeGreaterThan(0);
    const count = (state: string) => connections.byState.find((s) => s.state === state)?.count ?? 0;
    expect(count("active")).toBeGreaterThanOrEqual(2);
    expect(count("idle in transaction")).toBeGreaterThanOrEqual(2);
    expect(connections.total).toBe(connections.byState.reduce((n, s) => n + s.count, 0));
  });

  it("lists running queries without their literals", () => {
    const sleeper = value(activity.longest).find((s) => s.application === "sleeper")!;
    expect(sleeper.query).toBe("SELECT pg_sleep(?), ? AS secret, ? AS pin");
    expect(sleeper.seconds).toBeGreaterThanOrEqual(0);
  });

  it("reads each session's backend and query start, which tell a reused pid apart", async () => {
    const sleeper = value(activity.longest).find((s) => s.application === "sleeper")!;
    const { rows } = await pool.query<{ backend: number; query: number }>(
      `SELECT (extract(epoch FROM backend_start) * 1000)::float8 AS backend,
              (extract(epoch FROM query_start) * 1000)::float8 AS query
         FROM pg_stat_activity WHERE pid = $1`,
      [sleeper.pid],
    );
    expect(sleeper.backendStartMs).toBe(rows[0]!.backend);
    expect(sleeper.queryStartMs).toBe(rows[0]!.query);
  });

  it("names the blocked session and the one blocking it", () => {
    const { blocked, blockers } = value(activity.blocked);
    expect(blocked[0]).toMatchObject({
      application: "waiter",
      query: "UPDATE ledger SET amount = ? WHERE id = ?",
    });
    expect(blockers.map((b) => b.application)).toEqual(["holder"]);
    expect(blocked[0]!.blockedBy).toEqual([blockers[0]!.pid]);
  });

  it("lists sessions idle in a transaction", () => {
    const idle = value(activity.idleInTransaction)
      .map((s) => s.application)
      .sort();
    expect(idle).toEqual(["holder", "idler"]);
    expect(value(activity.idleInTransaction).find((s) => s.application === "idler")!.query).toBe(
      "SELECT amount FROM ledger WHERE id = ? AND amount > ?",
    );
  });

  it("gives the database size and its largest tables", () => {
    const sizes = value(activity.sizes);
    expect(sizes.databaseBytes).toBeGreaterThan(0);
    expect(sizes.tables.map((t) => t.name)).toContain("public.ledger");
  });

  it("pages pg_long_query and pg_blocked past their thresholds, and not before", () => {
    const options = { longQueryMinutes: 10, blockedMinutes: 5, backupMaxAgeHours: 26 };
    expect(diagnosticsAlerts({ pgActivity: activity }, options).alerts).toEqual([]);
    // The same sessions with thresholds they have already passed.
    const strict = diagnosticsAlerts(
      { pgActivity: activity },
      { ...options, longQueryMinutes: 0, blockedMinutes: 0 },
    );
    const waiter = value(activity.blocked).blocked[0]!;
    expect(strict.alerts.map((a) => a.kind).sort()).toContain("pg_blocked");
    expect(strict.alerts.find((a) => a.kind === "pg_blocked")!.fingerprint).toBe(
      `pg_blocked:${waiter.pid}:${waiter.backendStartMs}`,
    );
    const long = strict.alerts
      .filter((a) => a.kind === "pg_long_query")
      .map((a) => a.summary)
      .join("\n");
    expect(long).toContain("pg_sleep(?)");
    expect(long).not.toMatch(/4111|31337/);
    expect(strict.evaluated).toEqual(["pg_queries", "pg_locks"]);
  });
});
