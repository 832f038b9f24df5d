import type { Pool } from "../../db/pool.js";
import { normalizeSql } from "../sql-text.js";
import { errorMessage } from "../status.js";

/** Each part of /pg stands alone: a view the server lacks (or a timeout) costs only that part. */
export type Section<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Connections {
  byState: { state: string; count: number }[];
  total: number;
  max: number;
}

export interface PgSession {
  pid: number;
  user: string | null;
  application: string | null;
  state: string | null;
  /** How long it has been in the situation listed (running, waiting, idle in transaction). */
  seconds: number;
  /** Literals replaced by "?" (normalizeSql). */
  query: string;
  /**
   * When the session's backend started, in epoch milliseconds: PostgreSQL reuses pids, so
   * a session is its pid and this.
   */
  backendStartMs: number | null;
  /** When its current (or last) query started, in epoch milliseconds. */
  queryStartMs: number | null;
}

export interface BlockedSession extends PgSession {
  blockedBy: number[];
}

export interface PgSizes {
  databaseBytes: number;
  tables: { name: string; bytes: number }[];
}

export interface PgActivity {
  connections: Section<Connections>;
  /** Active queries, longest-running first. */
  longest: Section<PgSession[]>;
  /** Sessions waiting on a lock, longest wait first, and the sessions holding them up. */
  blocked: Section<{ blocked: BlockedSession[]; blockers: PgSession[] }>;
  idleInTransaction: Section<PgSession[]>;
  sizes: Section<PgSizes>;
}

/**
 * What the session parts say when the role cannot see other sessions: without
 * pg_read_all_stats (or superuser) pg_stat_activity hides every other role's state, query
 * and backend type, so "none running" would be a lie.
 */
export const BLIND_TO_OTHERS = "cannot see other sessions: grant pg_read_all_stats";

// Enough for the alerts (every long query and blocked session has its own); /pg shows fewer.
const SESSION_LIMIT = 100;
const QUERY_TEXT = 2_000;
const LARGEST_TABLES = 5;

// Durations use the server's clock: they are ages of its own sessions, whatever ours says.
const sessionColumns = (since: string) => `a.pid, a.usename AS user,
  a.application_name AS application, a.state,
  extract(epoch FROM clock_timestamp() - ${since})::float8 AS seconds,
  (extract(epoch FROM a.backend_start) * 1000)::float8 AS "backendStartMs",
  (extract(epoch FROM a.query_start) * 1000)::float8 AS "queryStartMs",
  left(a.query, ${QUERY_TEXT}) AS query`;
// Sessions of the watched database other than our own; connections count server-wide, as
// max_connections does.
const OTHERS =
  "a.datname = current_database() AND a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()";

type SessionRow = Omit<PgSession, "query"> & { query: string | null };
const toSession = (row: SessionRow): PgSession => ({
  ...row,
  query: normalizeSql(row.query ?? ""),
});

async function section<T>(load: () => Promise<T>): Promise<Section<T>> {
  try {
    return { ok: true, value: await load() };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

async function connections(pool: Pool): Promise<Connections> {
  const [states, setting] = await Promise.all([
    pool.query<{ state: string; count: number }>(
      `SELECT coalesce(a.state, 'unknown') AS state, count(*)::int AS count
         FROM pg_stat_activity a WHERE a.backend_type = 'client backend'
        GROUP BY 1 ORDER BY 2 DESC, 1`,
    ),
    pool.query<{ max: number }>("SELECT current_setting('max_connections')::int AS max"),
  ]);
  return {
    byState: states.rows,
    total: states.rows.reduce((sum, r) => sum + r.count, 0),
    max: setting.rows[0]?.max ?? 0,
  };
}

async function longest(pool: Pool): Promise<PgSession[]> {
  const { rows } = await pool.query<SessionRow>(
    `SELECT ${sessionColumns("a.query_start")} FROM pg_stat_activity a
      WHERE ${OTHERS} AND a.state = 'active' AND a.query_start IS NOT NULL
      ORDER BY a.query_start LIMIT ${SESSION_LIMIT}`,
  );
  return rows.map(toSession);
}

async function blocked(pool: Pool): Promise<{ blocked: BlockedSession[]; blockers: PgSession[] }> {
  // waitstart (PostgreSQL 14+) is when the lock wait began, not when the query did.
  const { rows } = await pool.query<SessionRow & { blocked_by: number[] }>(
    `SELECT ${sessionColumns("coalesce(w.waitstart, a.query_start)")},
            pg_blocking_pids(a.pid) AS blocked_by
       FROM pg_stat_activity a
       LEFT JOIN LATERAL (SELECT min(l.waitstart) AS waitstart FROM pg_locks l
                           WHERE l.pid = a.pid AND NOT l.granted) w ON true
      WHERE ${OTHERS} AND cardinality(pg_blocking_pids(a.pid)) > 0
      ORDER BY seconds DESC LIMIT ${SESSION_LIMIT}`,
  );
  const blockerPids = [...new Set(rows.flatMap((r) => r.blocked_by))];
  const blockers =
    blockerPids.length === 0
      ? []
      : (
          await pool.query<SessionRow>(
            `SELECT ${sessionColumns("coalesce(a.xact_start, a.state_change)")}
               FROM pg_stat_activity a WHERE a.pid = ANY($1::int[]) ORDER BY seconds DESC`,
            [blockerPids],
          )
        ).rows.map(toSession);
  return {
    blocked: rows.map(({ blocked_by, ...row }) => ({ ...toSession(row), blockedBy: blocked_by })),
    blockers,
  };
}

async function idleInTransaction(pool: Pool): Promise<PgSession[]> {
  const { rows } = await pool.query<SessionRow>(
    `SELECT ${sessionColumns("a.state_change")} FROM pg_stat_activity a
      WHERE ${OTHERS} AND a.state LIKE 'idle in transaction%'
      ORDER BY a.state_change LIMIT ${SESSION_LIMIT}`,
  );
  return rows.map(toSession);
}

async function sizes(pool: Pool): Promise<PgSizes> {
  const [database, tables] = await Promise.all([
    pool.query<{ bytes: number }>("SELECT pg_database_size(current_database())::float8 AS bytes"),
    pool.query<{ name: string; bytes: number }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name,
              pg_total_relation_size(c.oid)::float8 AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY 2 DESC, 1 LIMIT ${LARGEST_TABLES}`,
    ),
  ]);
  return { databaseBytes: database.rows[0]?.bytes ?? 0, tables: tables.rows };
}

/** Whether this role sees other roles' sessions; unknown (an error) leaves the parts to say. */
async function seesOtherSessions(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ sees: boolean }>(
    "SELECT pg_has_role('pg_read_all_stats', 'USAGE') AS sees",
  );
  return rows[0]?.sees !== false;
}

/**
 * PostgreSQL's operational state from pg_stat_activity, pg_locks / pg_blocking_pids and
 * the size functions. Every query runs under the pool's statement timeout. A role that
 * cannot see other sessions gets its session parts as unavailable, saying why.
 */
export async function readPgActivity(pool: Pool): Promise<PgActivity> {
  const sees = await seesOtherSessions(pool).catch(() => true);
  const sessions = <T>(load: () => Promise<T>): Promise<Section<T>> =>
    sees ? section(load) : Promise.resolve({ ok: false, error: BLIND_TO_OTHERS });
  const [conn, long, block, idle, size] = await Promise.all([
    sessions(() => connections(pool)),
    sessions(() => longest(pool)),
    sessions(() => blocked(pool)),
    sessions(() => idleInTransaction(pool)),
    section(() => sizes(pool)),
  ]);
  return { connections: conn, longest: long, blocked: block, idleInTransaction: idle, sizes: size };
}
