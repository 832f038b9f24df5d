// sql/opsbot-role.sql on a real PostgreSQL: the role it creates reads the LabPics tables
// opsbot watches, owns and migrates its own schema, and can do nothing else.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLIND_TO_OTHERS, readPgActivity } from "../../src/checks/listings/pg-activity.js";
import { renderPg } from "../../src/bot/render/pg.js";
import { takeSnapshot } from "../../src/alerts/evaluate-tick.js";
import { evaluateRules } from "../../src/alerts/rules.js";
import { createChecks } from "../../src/checks/create-checks.js";
import { createShapeSource } from "../../src/checks/shape-source.js";
import { createLogger } from "../../src/log/create-logger.js";
import { captureLogs } from "../kit/log-capture.js";
import { RULES } from "../kit/alerts.js";
import { closedPort } from "../kit/ports.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { migrate } from "../../src/db/migrate.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { createTranslator } from "../../src/i18n/catalogue.js";

const en = createTranslator("en");

// Roles belong to the whole server, which other test runs share: this run's is its own.
const ROLE = `opsbot_bot_${randomBytes(4).toString("hex")}`;
const WATCHED = [
  "scheduled_jobs",
  "worker_runs",
  "connector_sync_state",
  "connector_events",
  "projects",
];

// Roles need a real server; the embedded fallback (no server here, never under CI) skips.
const database: TestDatabase = await createTestDatabase();
if (database.embedded) console.warn("[skipped] sql/opsbot-role.sql needs a real PostgreSQL server");
let admin: pg.Client;
let asRole: Pool;

async function runScript(): Promise<void> {
  const script = await readFile(new URL("../../sql/opsbot-role.sql", import.meta.url), "utf8");
  await admin.query(script.replaceAll("opsbot_bot", ROLE));
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: database.connectionString });
  await admin.connect();
  if (database.embedded) return;
  await admin.query(
    [...WATCHED, "auth_sessions"].map((t) => `CREATE TABLE ${t} (id int)`).join(";"),
  );
  await runScript();
  const url = new URL(database.connectionString);
  url.username = ROLE;
  asRole = createPool({ connectionString: url.toString(), max: 2 });
});
afterAll(async () => {
  await asRole?.end();
  await admin.end();
  await database.drop();
  if (!database.embedded) {
    const url = new URL(database.connectionString);
    url.pathname = "/postgres";
    const server = new pg.Client({ connectionString: url.toString() });
    await server.connect();
    await server.query(`DROP ROLE IF EXISTS ${ROLE}`);
    await server.end();
  }
});

const denied = (sql: string) => expect(asRole.query(sql)).rejects.toMatchObject({ code: "42501" });

describe.skipIf(database.embedded)("sql/opsbot-role.sql", () => {
  it("lets the role apply opsbot's migrations in its own schema, which it owns", async () => {
    const { applied } = await migrate(asRole);
    expect(applied.length).toBeGreaterThan(0);
    const owner = await admin.query<{ owner: string }>(
      "SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = 'opsbot'",
    );
    expect(owner.rows[0]?.owner).toBe(ROLE);
    // And again: an existing schema is no obstacle.
    expect((await migrate(asRole)).applied).toEqual([]);
  });

  it("lets it read every watched LabPics table", async () => {
    for (const table of WATCHED)
      await expect(asRole.query(`SELECT * FROM ${table}`)).resolves.toBeDefined();
  });

  it("grants process_runs where it exists: after LabPics adds it, running the script again", async () => {
    await admin.query("CREATE TABLE process_runs (id int)");
    await denied("SELECT * FROM process_runs");
    await runScript();
    await expect(asRole.query("SELECT * FROM process_runs")).resolves.toBeDefined();
  });

  it("denies writing a LabPics table, reading any other, and creating objects outside its schema", async () => {
    await denied("INSERT INTO scheduled_jobs VALUES (1)");
    await denied("UPDATE projects SET id = 2");
    await denied("DELETE FROM worker_runs");
    await denied("TRUNCATE connector_events");
    await denied("SELECT * FROM auth_sessions");
    await denied("CREATE TABLE public.opsbot_was_here (id int)");
    await denied("CREATE SCHEMA elsewhere");
  });

  it("lets it see other roles' sessions and their queries (pg_read_all_stats)", async () => {
    const { rows } = await admin.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await admin.query("SELECT 'admin was here' AS note");
    const seen = await asRole.query<{ query: string; backend_type: string }>(
      "SELECT query, backend_type FROM pg_stat_activity WHERE pid = $1",
      [rows[0]!.pid],
    );
    expect(seen.rows[0]).toEqual({
      query: "SELECT 'admin was here' AS note",
      backend_type: "client backend",
    });
    const activity = await readPgActivity(asRole);
    expect(activity.idleInTransaction).toEqual({ ok: true, value: [] });
  });

  it("as the docs say, connects to the server's other databases like any role, and reads nothing there", async () => {
    const url = new URL(database.connectionString);
    url.username = ROLE;
    url.pathname = "/postgres";
    const elsewhere = new pg.Client({ connectionString: url.toString() });
    await elsewhere.connect();
    try {
      await expect(
        elsewhere.query("CREATE TABLE public.opsbot_was_here (id int)"),
      ).rejects.toMatchObject({
        code: "42501",
      });
    } finally {
      await elsewhere.end();
    }
  });

  it("without pg_read_all_stats, /pg and the session checks say they are blind, not 'none running'", async () => {
    await admin.query(`REVOKE pg_read_all_stats FROM ${ROLE}`);
    try {
      const activity = await readPgActivity(asRole);
      const blind = { ok: false, error: BLIND_TO_OTHERS };
      expect(activity).toMatchObject({
        connections: blind,
        longest: blind,
        blocked: blind,
        idleInTransaction: blind,
        sizes: { ok: true },
      });
      const text = renderPg(activity, en);
      expect(text).toContain("grant pg_read_all_stats");
      expect(text).not.toContain("none running");

      // The watcher: both session checks blind, then watcher_degraded saying why.
      const logger = createLogger({
        level: "warn",
        secrets: [],
        destination: captureLogs().destination,
      });
      const api = `http://127.0.0.1:${await closedPort()}`;
      const checks = createChecks({
        pool: asRole,
        clock: { now: () => new Date() },
        shapes: createShapeSource(asRole, logger, { now: () => new Date() }),
        apiHealthUrl: `${api}/health`,
        apiMetricsUrl: `${api}/metrics`,
        overdueMinutes: 10,
        staleMinutes: 60,
        stuckMinutes: 30,
        schedulerStallMinutes: 10,
        projectIds: [],
        botFacts: () => Promise.resolve({ version: "test", startedAt: new Date() }),
      });
      const snapshot = await takeSnapshot(checks, logger, new Map());
      expect(snapshot.blind).toMatchObject({
        pg_queries: BLIND_TO_OTHERS,
        pg_locks: BLIND_TO_OTHERS,
      });
      const first = evaluateRules(snapshot, {}, RULES);
      const { alerts } = evaluateRules(snapshot, first.failures, RULES);
      expect(alerts.filter((a) => a.fingerprint.startsWith("watcher_degraded:pg_"))).toEqual([
        expect.objectContaining({
          fingerprint: "watcher_degraded:pg_queries",
          summary: `the pg_queries check cannot be evaluated: ${BLIND_TO_OTHERS}`,
        }),
        expect.objectContaining({ fingerprint: "watcher_degraded:pg_locks" }),
      ]);
    } finally {
      await admin.query(`GRANT pg_read_all_stats TO ${ROLE}`);
    }
  });
});
