import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  connectionString: string;
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** A directory for a persistent database; in memory when omitted. */
  dataDir?: string;
}

/**
 * Headroom, not parallelism: pg-pool resolves end() before its socket has closed, and
 * with the library's default of 1 a pool created right after another one ended was
 * refused ("Too many connections") about half the time. Extra connections are
 * multiplexed onto the one backend, one protocol message at a time.
 */
const SOCKET_SERVER_CONNECTIONS = 4;

/**
 * PGlite (PostgreSQL 18 compiled to WASM, in this process) behind its wire-protocol
 * socket server, so the ordinary `pg` client talks to it unchanged. For the console
 * demo and for tests on a machine without a server; production and CI use a real one.
 *
 * It is ONE backend, so give pools against it `max: 1`: more connections buy nothing
 * (every query is serialised), an open transaction blocks all of them until it ends,
 * and they all share one session: SET values (statement_timeout too), named prepared
 * statements, temp tables and advisory locks outlive the connection that made them,
 * and an advisory lock never excludes another connection. statement_timeout is
 * accepted but never fires, and the database name in the URL is ignored.
 */
export async function startEmbeddedPostgres(
  opts: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(opts.dataDir ?? "memory://");
  // Port 0: the OS picks a free port and the server reads it back after listen.
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: 0,
    maxConnections: SOCKET_SERVER_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  // PGlite has no TLS; this keeps a PGSSLMODE in the environment from demanding it.
  const connectionString = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    // stop() closes only the listener and sockets; the database must be closed too.
    closing ??= server.stop().finally(() => db.close());
    return closing;
  };
  return { connectionString, close };
}
