// Update dedup: a set of seen update_ids with a TTL, in PostgreSQL and in Redis, claimed
// atomically so that concurrent deliveries of one update run it once.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { createRedis } from "../../src/db/redis.js";
import {
  createLayeredDedup,
  createPgDedup,
  createRedisDedup,
  type UpdateDedup,
} from "../../src/db/update-dedup.js";
import { createLogger } from "../../src/log/create-logger.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { testRedisUrl } from "../kit/redis.js";

const TTL_SECONDS = 600;

/** Fresh ids per test, so tests sharing a store never see each other's claims. */
let nextId = 1;
const freshId = () => nextId++;

async function claimTwentyAtOnce(store: UpdateDedup, id: number): Promise<boolean[]> {
  return Promise.all(Array.from({ length: 20 }, () => store.claim(id)));
}

const countTrue = (results: boolean[]) => results.filter(Boolean).length;

/** A primary store that is down: every call rejects. */
const downStore: UpdateDedup = {
  claim: () => Promise.reject(new Error("primary down")),
  release: () => Promise.reject(new Error("primary down")),
};

// One migrated database for the file: each test claims ids of its own.
let database: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  database = await createTestDatabase({ migrated: true });
  // Room for the 20 concurrent claims to really run side by side.
  pool = createPool({
    connectionString: database.connectionString,
    max: database.embedded ? 1 : 20,
  });
  await migrate(pool);
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe("createPgDedup", () => {
  let store: UpdateDedup;
  beforeAll(() => {
    store = createPgDedup(pool, TTL_SECONDS);
  });

  async function expiresInSeconds(id: number): Promise<number | undefined> {
    const { rows } = await pool.query<{ s: number }>(
      "SELECT extract(epoch FROM expires_at - now())::float8 AS s FROM opsbot.seen_updates WHERE update_id = $1",
      [id],
    );
    return rows[0]?.s;
  }

  it("claims an update the first time and refuses it the second", async () => {
    const id = freshId();
    expect(await store.claim(id)).toBe(true);
    expect(await store.claim(id)).toBe(false);
  });

  it("keeps ids apart: claiming one does not claim another", async () => {
    const a = freshId();
    const b = freshId();
    expect(await store.claim(a)).toBe(true);
    expect(await store.claim(b)).toBe(true);
  });

  it("remembers a claim for the TTL", async () => {
    const id = freshId();
    await store.claim(id);
    const left = await expiresInSeconds(id);
    expect(left).toBeGreaterThan(TTL_SECONDS - 30);
    expect(left).toBeLessThanOrEqual(TTL_SECONDS);
  });

  it("handles update_ids beyond 32 bits", async () => {
    const id = 2 ** 40 + freshId();
    expect(await store.claim(id)).toBe(true);
    expect(await store.claim(id)).toBe(false);
  });

  it("makes a released update claimable again", async () => {
    const id = freshId();
    await store.claim(id);
    await store.release(id);
    expect(await store.claim(id)).toBe(true);
    expect(await store.claim(id)).toBe(false);
  });

  it("treats an expired row as unseen, and renews it when claimed", async () => {
    const id = freshId();
    await store.claim(id);
    await pool.query(
      "UPDATE opsbot.seen_updates SET expires_at = now() - interval '1 second' WHERE update_id = $1",
      [id],
    );
    expect(await store.claim(id)).toBe(true);
    expect(await expiresInSeconds(id)).toBeGreaterThan(TTL_SECONDS - 30);
    expect(await store.claim(id)).toBe(false);
  });

  it("gives exactly one of 20 concurrent claims of one update", async () => {
    expect(countTrue(await claimTwentyAtOnce(store, freshId()))).toBe(1);
  });

  it("gives exactly one of 20 concurrent claims of an expired update", async () => {
    const id = freshId();
    await store.claim(id);
    await pool.query(
      "UPDATE opsbot.seen_updates SET expires_at = now() - interval '1 hour' WHERE update_id = $1",
      [id],
    );
    expect(countTrue(await claimTwentyAtOnce(store, id))).toBe(1);
  });

  it("sweeps expired rows as it goes, so the table does not grow forever", async () => {
    const sweeper = createPgDedup(pool, TTL_SECONDS);
    const stale = freshId();
    await pool.query(
      "INSERT INTO opsbot.seen_updates (update_id, expires_at) VALUES ($1, now() - interval '1 day')",
      [stale],
    );
    const first = 1_000_000;
    for (let i = 0; i < 500; i++) await sweeper.claim(first + i);

    const left = await pool.query("SELECT 1 FROM opsbot.seen_updates WHERE update_id = $1", [
      stale,
    ]);
    expect(left.rowCount).toBe(0);
  });
});

const redisUrl = await testRedisUrl();

describe.skipIf(!redisUrl)("createRedisDedup", () => {
  let redis: Redis;
  let store: UpdateDedup;
  beforeAll(async () => {
    redis = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });
    await redis.ping();
    store = createRedisDedup(redis, TTL_SECONDS);
  });
  afterAll(() => redis.disconnect());

  /** The one key this update left in Redis, whatever it is named. */
  async function keyOf(id: number): Promise<string> {
    const keys = (await redis.keys("*")).filter((k) => k.endsWith(`:${id}`));
    expect(keys).toHaveLength(1);
    return keys[0]!;
  }

  it("claims an update the first time and refuses it the second", async () => {
    const id = freshId();
    expect(await store.claim(id)).toBe(true);
    expect(await store.claim(id)).toBe(false);
  });

  it("remembers a claim for the TTL", async () => {
    const id = freshId();
    await store.claim(id);
    const ttl = await redis.ttl(await keyOf(id));
    expect(ttl).toBeGreaterThan(TTL_SECONDS - 30);
    expect(ttl).toBeLessThanOrEqual(TTL_SECONDS);
  });

  it("makes a released update claimable again", async () => {
    const id = freshId();
    await store.claim(id);
    await store.release(id);
    expect(await store.claim(id)).toBe(true);
    expect(await store.claim(id)).toBe(false);
  });

  it("treats an expired claim as unseen", async () => {
    const id = freshId();
    await store.claim(id);
    // An expiry in the past removes the key at once, as the TTL running out would.
    await redis.expireat(await keyOf(id), Math.floor(Date.now() / 1000) - 60);
    expect(await store.claim(id)).toBe(true);
    expect(await store.claim(id)).toBe(false);
  });

  it("gives exactly one of 20 concurrent claims of one update", async () => {
    expect(countTrue(await claimTwentyAtOnce(store, freshId()))).toBe(1);
  });
});

describe("createLayeredDedup (Redis and PostgreSQL)", () => {
  let pg: UpdateDedup;
  beforeAll(() => {
    pg = createPgDedup(pool, TTL_SECONDS);
  });

  const rowsFor = async (id: number) =>
    (await pool.query("SELECT 1 FROM opsbot.seen_updates WHERE update_id = $1", [id])).rowCount;

  it("uses the fallback when the primary throws", async () => {
    const store = createLayeredDedup(downStore, pg);
    const id = freshId();
    expect(await store.claim(id)).toBe(true);
    expect(await store.claim(id)).toBe(false);
    expect(await rowsFor(id)).toBe(1);
  });

  it("releases in the fallback even when the primary throws", async () => {
    const store = createLayeredDedup(downStore, pg);
    const id = freshId();
    await store.claim(id);
    await expect(store.release(id)).resolves.toBeUndefined();
    expect(await rowsFor(id)).toBe(0);
    expect(await store.claim(id)).toBe(true);
  });

  /** An in-memory store standing in for Redis, which the test can take down and bring back. */
  function memoryStore() {
    const seen = new Set<number>();
    const state = { down: false };
    const store: UpdateDedup = {
      claim(id) {
        if (state.down) return Promise.reject(new Error("primary down"));
        const first = !seen.has(id);
        seen.add(id);
        return Promise.resolve(first);
      },
      release(id) {
        seen.delete(id);
        return Promise.resolve();
      },
    };
    return { store, state };
  }

  it("records each claim in PostgreSQL too, and stops at the primary's duplicate", async () => {
    const { store: memory } = memoryStore();
    const store = createLayeredDedup(memory, pg);
    const id = freshId();
    expect(await store.claim(id)).toBe(true);
    expect(await rowsFor(id)).toBe(1);
    expect(await store.claim(id)).toBe(false);
  });

  it("refuses a redelivery after the primary came back, when claimed while it was down", async () => {
    const { store: memory, state } = memoryStore();
    const store = createLayeredDedup(memory, pg);
    const id = freshId();
    state.down = true;
    expect(await store.claim(id)).toBe(true);
    state.down = false;
    expect(await store.claim(id)).toBe(false);
  });

  it("still claims through the primary when PostgreSQL is down", async () => {
    const { store: memory } = memoryStore();
    const store = createLayeredDedup(memory, downStore);
    const id = freshId();
    expect(await store.claim(id)).toBe(true);
    expect(await store.claim(id)).toBe(false);
  });

  it("rejects when neither store answers, so the caller knows dedup is unavailable", async () => {
    const store = createLayeredDedup(downStore, downStore);
    await expect(store.claim(freshId())).rejects.toThrow("primary down");
  });

  it("falls back to PostgreSQL when a real Redis client cannot connect", async () => {
    const logger = createLogger({ level: "silent", secrets: [] });
    const deadRedis = createRedis("redis://127.0.0.1:1/0", logger);
    try {
      const store = createLayeredDedup(createRedisDedup(deadRedis), pg);
      const id = freshId();
      expect(await store.claim(id)).toBe(true);
      expect(await store.claim(id)).toBe(false);
      expect(await rowsFor(id)).toBe(1);
    } finally {
      deadRedis.disconnect();
    }
  });
});
