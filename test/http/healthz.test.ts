// GET /healthz, and failure behaviour: the bot keeps answering when PostgreSQL
// or Redis is down, and /healthz says which one.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Clock } from "../../src/clock.js";
import { applyShape } from "../../src/console/demo/labpics-fixtures.js";
import { buildTestApp, useTestApp, type TestAppWithoutDatabase } from "../kit/build-test-app.js";
import { testRedisUrl } from "../kit/redis.js";
import { createUpdates, STRANGER } from "../kit/updates.js";

const updates = createUpdates(7_000);
const DB_PASSWORD = "pg-Pa55word-never-shown";
const CLOSED_PG = `postgres://opsbot:${DB_PASSWORD}@127.0.0.1:1/labpics`;
const CLOSED_REDIS = "redis://127.0.0.1:1/0";

interface Component {
  status: string;
  error?: string;
  latencyMs?: number;
}
interface Healthz {
  status: string;
  version: string;
  mode: string;
  uptimeSeconds: number;
  schemaReady: boolean;
  components: { postgres: Component & { connections?: unknown }; redis: Component };
}

async function getHealthz(baseUrl: string): Promise<{ status: number; body: Healthz }> {
  const res = await fetch(`${baseUrl}/healthz`);
  expect(res.headers.get("content-type")).toBe("application/json");
  return { status: res.status, body: (await res.json()) as Healthz };
}

/** A clock the test moves by hand. */
function manualClock(start = new Date("2030-01-01T00:00:00Z")) {
  let now = start;
  const clock: Clock = { now: () => now };
  return { clock, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe("GET /healthz with PostgreSQL up and no Redis", () => {
  const time = manualClock();
  const t = useTestApp({ clock: time.clock });

  it("answers 200 JSON with status, version, uptime and each component", async () => {
    const { status, body } = await getHealthz(t.baseUrl);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "ok",
      version: "test",
      mode: "webhook",
      schemaReady: true,
      uptimeSeconds: expect.any(Number) as number,
      components: {
        postgres: {
          status: "ok",
          latencyMs: expect.any(Number) as number,
          connections: { used: expect.any(Number) as number, max: expect.any(Number) as number },
        },
        redis: { status: "not_configured" },
      },
    });
    expect(body.components.postgres.error).toBeUndefined();
  });

  it("counts uptime on the injected clock from start", async () => {
    const before = (await getHealthz(t.baseUrl)).body.uptimeSeconds;
    time.advance(90_000);
    const after = (await getHealthz(t.baseUrl)).body.uptimeSeconds;
    expect(after - before).toBe(90);
  });

  it("names the LabPics schema in a `schema` field: what is missing, then the shape once there", async () => {
    const missing = (await fetch(`${t.baseUrl}/healthz`).then((r) => r.json())) as {
      schema: { shape: string; mismatches: string[] };
    };
    expect(missing.schema.mismatches).toEqual([
      "scheduled_jobs",
      "worker_runs",
      "connector_sync_state",
      "connector_events",
    ]);
    expect(t.logs.text()).toContain("the LabPics tables are missing");

    await applyShape(t.pool, "labpics");
    const found = (await fetch(`${t.baseUrl}/healthz`).then((r) => r.json())) as {
      schema: { shape: string; mismatches: string[] };
    };
    // As LabPics's migrations leave it: the column its scheduler writes is not there.
    expect(found.schema).toEqual({
      shape: "labpics, process runs from connector_events",
      mismatches: [],
      schedulerGaps: ["scheduled_jobs.started_at"],
    });
  });
});

describe("with PostgreSQL down (DATABASE_URL at a closed port)", () => {
  // Started without waiting for the schema, which never comes.
  let t: TestAppWithoutDatabase;
  beforeAll(async () => {
    t = await buildTestApp({ database: false, env: { DATABASE_URL: CLOSED_PG }, waitReady: false });
  });
  afterAll(() => t.close());

  it("still starts: serves HTTP, but registers no webhook before the schema is migrated", async () => {
    expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(200);
    expect(t.fake.callsTo("setWebhook")).toHaveLength(0);
  });

  it("answers /healthz 503 starting with postgres down, the schema not ready, and no password", async () => {
    const res = await fetch(`${t.baseUrl}/healthz`);
    const raw = await res.text();
    expect(res.status).toBe(503);
    const body = JSON.parse(raw) as Healthz;
    expect(body).toMatchObject({
      status: "starting",
      version: "test",
      schemaReady: false,
      components: { postgres: { status: "down" }, redis: { status: "not_configured" } },
    });
    expect(body.components.postgres.error).toEqual(expect.any(String));
    expect(body.components.postgres.error).not.toBe("");
    expect(raw).not.toContain(DB_PASSWORD);
  });

  it("answers updates 503 so Telegram redelivers them, and sends nothing", async () => {
    t.fake.reset();
    const res = await t.post(updates.message("/whoami", { from: STRANGER }));
    expect(res.status).toBe(503);
    expect(t.fake.calls).toEqual([]);
  });

  it("never logs the database password while retrying", () => {
    expect(
      t.logs.entries().some((e) => e.msg === "database unavailable; will retry migrations"),
    ).toBe(true);
    expect(t.logs.text()).not.toContain(DB_PASSWORD);
  });
});

describe("with Redis down (REDIS_URL at a closed port)", () => {
  const t = useTestApp({ redisUrl: CLOSED_REDIS });

  it("answers /healthz 503 with redis down and postgres ok", async () => {
    const { status, body } = await getHealthz(t.baseUrl);
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: "degraded",
      components: { postgres: { status: "ok" }, redis: { status: "down" } },
    });
    expect(body.components.redis.error).toEqual(expect.any(String));
  });

  it("keeps answering through the webhook, deduplicating in PostgreSQL instead", async () => {
    t.fake.reset();
    const update = updates.message("/whoami", { from: STRANGER });
    const results = await Promise.all([t.post(update), t.post(update)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect((await t.post(update)).status).toBe(200);
    expect(t.fake.callsTo("sendMessage")).toHaveLength(1);
    const rows = await t.pool.query("SELECT 1 FROM opsbot.seen_updates WHERE update_id = $1", [
      update.update_id,
    ]);
    expect(rows.rowCount).toBe(1);
  });
});

const redisUrl = await testRedisUrl();

describe.skipIf(!redisUrl)("GET /healthz with Redis up", () => {
  const t = useTestApp({ redisUrl });

  it("reports redis ok with its latency and memory", async () => {
    // The client connects in the background after start; give it a moment, not forever.
    const { status, body } = await vi.waitFor(
      async () => {
        const health = await getHealthz(t.baseUrl);
        expect(health.body.components.redis.status).toBe("ok");
        return health;
      },
      { timeout: 3_000, interval: 50 },
    );
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.components.redis).toMatchObject({
      status: "ok",
      latencyMs: expect.any(Number) as number,
      usedMemoryBytes: expect.any(Number) as number,
    });
  });
});
