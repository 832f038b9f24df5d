import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/db/embedded-postgres.js";

// PGlite cold start takes seconds; each test starts its own instance.
const SLOW = 60_000;

describe("startEmbeddedPostgres", () => {
  it(
    "serves the ordinary pg client and refuses connections after close",
    async () => {
      const embedded = await startEmbeddedPostgres();
      const pool = new pg.Pool({ connectionString: embedded.connectionString, max: 1 });
      try {
        expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
        await pool.query("CREATE TABLE t (id bigserial PRIMARY KEY, at timestamptz NOT NULL)");
        const at = new Date("2026-03-02T10:00:00Z");
        await pool.query("INSERT INTO t (at) VALUES ($1)", [at]);
        expect((await pool.query("SELECT id, at FROM t")).rows).toEqual([{ id: "1", at }]);
        expect((await pool.query("SELECT pg_try_advisory_lock(1) AS got")).rows).toEqual([
          { got: true },
        ]);
      } finally {
        await pool.end();
        await embedded.close();
      }
      const late = new pg.Client({
        connectionString: embedded.connectionString,
        connectionTimeoutMillis: 1000,
      });
      await expect(late.connect()).rejects.toThrow();
    },
    SLOW,
  );

  it(
    "lets a new pool connect right after another pool ended",
    async () => {
      // pg-pool resolves end() before its socket is gone; the server must not refuse the next one.
      const embedded = await startEmbeddedPostgres();
      try {
        for (let i = 0; i < 10; i++) {
          const pool = new pg.Pool({ connectionString: embedded.connectionString, max: 1 });
          expect((await pool.query("SELECT $1::int AS i", [i])).rows).toEqual([{ i }]);
          await pool.end();
        }
      } finally {
        await embedded.close();
      }
    },
    SLOW,
  );

  it(
    "keeps data in dataDir across restarts",
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), "opsbot-pglite-"));
      try {
        const first = await startEmbeddedPostgres({ dataDir });
        const writer = new pg.Client({ connectionString: first.connectionString });
        await writer.connect();
        await writer.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        await writer.end();
        await first.close();

        const second = await startEmbeddedPostgres({ dataDir });
        const reader = new pg.Client({ connectionString: second.connectionString });
        await reader.connect();
        try {
          expect((await reader.query("SELECT v FROM kept")).rows).toEqual([{ v: "still here" }]);
        } finally {
          await reader.end();
          await second.close();
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});
