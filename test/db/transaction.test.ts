// withTransaction on real PostgreSQL: commit, rollback with the original error, the client
// released every time, and a failing ROLLBACK that does not hide the error before it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPool, type Pool } from "../../src/db/pool.js";
import { withTransaction } from "../../src/db/transaction.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

let database: TestDatabase | undefined;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ connectionString: database.connectionString, max: 2 });
  await pool.query("CREATE TABLE notes (text text NOT NULL)");
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});
beforeEach(async () => {
  await pool.query("TRUNCATE notes");
});

const notes = async () => (await pool.query<{ text: string }>("SELECT text FROM notes")).rows;
const noneCheckedOut = () => expect(pool.idleCount).toBe(pool.totalCount);

describe("withTransaction", () => {
  it("commits what fn wrote and returns its result", async () => {
    const result = await withTransaction(pool, async (client) => {
      await client.query("INSERT INTO notes VALUES ('kept')");
      return 42;
    });
    expect(result).toBe(42);
    expect(await notes()).toEqual([{ text: "kept" }]);
    noneCheckedOut();
  });

  it("rolls back what fn wrote when it throws, and rethrows its error", async () => {
    const failure = new Error("fn failed");
    await expect(
      withTransaction(pool, async (client) => {
        await client.query("INSERT INTO notes VALUES ('dropped')");
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await notes()).toEqual([]);
    noneCheckedOut();
  });

  it("rethrows fn's error when ROLLBACK fails too (the connection is gone)", async (ctx) => {
    if (database?.embedded) return ctx.skip();
    const failure = new Error("fn failed");
    await expect(
      withTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        await client.query("INSERT INTO notes VALUES ('dropped')");
        // Another connection ends this one: the ROLLBACK after fn's error cannot be sent.
        await pool.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
        await expect(client.query("SELECT 1")).rejects.toThrow();
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await notes()).toEqual([]);
    noneCheckedOut();
  });
});
