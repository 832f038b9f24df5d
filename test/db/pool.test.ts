// createPool on real PostgreSQL behind a TCP proxy: a connection reset while a client is
// checked out (a transaction in progress) fails that client's queries, never the process.
import { afterEach, describe, expect, it } from "vitest";
import { createPool, type Pool } from "../../src/db/pool.js";
import { eventually } from "../kit/eventually.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { startTcpProxy, type TcpProxy } from "../kit/tcp-proxy.js";

let database: TestDatabase | undefined;
let proxy: TcpProxy | undefined;
let pool: Pool | undefined;

afterEach(async () => {
  await pool?.end();
  await proxy?.close();
  await database?.drop();
});

describe("createPool", () => {
  it("bounds every statement at 5 s unless told otherwise (tests wait out a shorter one)", async (ctx) => {
    database = await createTestDatabase();
    if (database.embedded) return ctx.skip();
    const timeoutOf = async (p: Pool) =>
      (await p.query<{ statement_timeout: string }>("SHOW statement_timeout")).rows[0]!
        .statement_timeout;
    pool = createPool({ connectionString: database.connectionString, max: 1 });
    expect(await timeoutOf(pool)).toBe("5s");
    const short = createPool({
      connectionString: database.connectionString,
      max: 1,
      statementTimeoutMs: 1_000,
    });
    try {
      expect(await timeoutOf(short)).toBe("1s");
    } finally {
      await short.end();
    }
  });

  it("survives a reset of a checked-out client's connection, and serves again after", async (ctx) => {
    database = await createTestDatabase();
    if (database.embedded) return ctx.skip();
    const url = new URL(database.connectionString);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    pool = createPool({ connectionString: proxy.urlFor(database.connectionString), max: 2 });

    const client = await pool.connect();
    await client.query("BEGIN");
    await proxy.cut("reset");
    // Without a listener on the client, pg emits "error" on it and the process dies here.
    await eventually(
      async () =>
        await client.query("SELECT 1").then(
          () => false,
          () => true,
        ),
      5_000,
      "the checked-out client failing",
    );
    client.release(true);

    await proxy.restore();
    const { rows } = await pool.query<{ one: number }>("SELECT 1 AS one");
    expect(rows).toEqual([{ one: 1 }]);
  });
});
