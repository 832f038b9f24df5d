import pg from "pg";

export type Pool = pg.Pool;

export interface PoolOptions {
  connectionString: string;
  /** Every query is bounded: a hung database must not hang a command. */
  statementTimeoutMs?: number;
  max?: number;
  connectTimeoutMs?: number;
  /** Who the sessions are in pg_stat_activity; "opsbot" by default. */
  applicationName?: string;
}

// Per-client type parsing, so nothing global is mutated: int8 ids and counts as numbers
// (they stay far below 2^53 here), timestamptz as Date (pg's default).
const INT8_OID = 20;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary"): unknown =>
    oid === INT8_OID && format !== "binary"
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

export function createPool(options: PoolOptions): Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? 5_000;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
    statement_timeout: statementTimeoutMs,
    // Also bounded on our side: a server that stops answering never enforces its timeout.
    query_timeout: statementTimeoutMs + 1_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? "opsbot",
    types,
  });
  // A client losing its server must not crash the process; the query in flight (or the
  // next one) reports it. pg-pool catches this only for idle clients; a checked-out one
  // (pool.connect() for a transaction) emits "error" with no listener unless given one.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}
