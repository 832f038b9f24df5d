// Start-up, shutdown and the listeners: /healthz answers from the first second, nothing is
// taken before the schema is migrated, and /metrics can live on a port of its own.
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../kit/build-test-app.js";
import { eventually } from "../kit/eventually.js";
import { startFakeBotApi } from "../kit/fake-bot-api.js";
import { listen } from "../kit/ports.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { startTcpProxy, type TcpProxy } from "../kit/tcp-proxy.js";
import { createUpdates, STRANGER } from "../kit/updates.js";

const updates = createUpdates(9_100);

async function healthz(baseUrl: string) {
  const res = await fetch(`${baseUrl}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string } };
}

describe("while PostgreSQL cannot be migrated yet", () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    const { hostname, port } = new URL(database.connectionString);
    proxy = await startTcpProxy({ host: hostname, port: Number(port) });
    await proxy.cut("refuse");
    t = await buildTestApp({
      database,
      env: { DATABASE_URL: proxy.urlFor(database.connectionString) },
      waitReady: false,
    });
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await database.drop();
  });

  it("serves /healthz as 503 starting and /metrics, and does not register the webhook", async () => {
    const { status, body } = await healthz(t.baseUrl);
    expect(status).toBe(503);
    expect(body.status).toBe("starting");
    expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(200);
    expect(t.fake.callsTo("setWebhook")).toEqual([]);
  });

  it("answers an update 503 (Telegram redelivers it) and never an error reply", async () => {
    const update = updates.message("/whoami", { from: STRANGER });
    const res = await t.post(update);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("starting");
    expect(t.fake.callsTo("sendMessage")).toEqual([]);
  });

  it("registers the webhook once migrations are applied, then handles the redelivery", async () => {
    const update = updates.message("/whoami", { from: STRANGER });
    expect((await t.post(update)).status).toBe(503);
    await proxy.restore();
    await t.app.ready();
    const messages = t.logs.entries().map((e) => e.msg);
    expect(messages.indexOf("database schema ready")).toBeGreaterThan(-1);
    expect(messages.indexOf("webhook registered")).toBeGreaterThan(
      messages.indexOf("database schema ready"),
    );
    expect(t.fake.callsTo("setWebhook")).toHaveLength(1);
    expect((await healthz(t.baseUrl)).body.status).toBe("ok");

    expect((await t.post(update)).status).toBe(200);
    const replies = t.fake.callsTo("sendMessage");
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.params.text)).toContain(`user id: <code>${STRANGER.id}</code>`);
  });
});

describe("while Telegram is unreachable at start", () => {
  let t: TestApp;
  // The app's waits (between retries) all end once the test has seen it starting.
  let seenStarting!: () => void;
  const held = new Promise<void>((resolve) => (seenStarting = resolve));
  beforeAll(async () => {
    const fake = await startFakeBotApi();
    // Each start-up attempt is one call and the client's one retry of a 5xx: three attempts fail.
    fake.failNext("getMe", { kind: "500" }, 6);
    t = await buildTestApp({ fake, sleep: () => held, waitReady: false });
  });
  afterAll(async () => {
    await t.close();
    await t.fake.close();
  });

  it("answers /healthz 503 starting at once, logs each getMe retry, then becomes ready", async () => {
    const first = await healthz(t.baseUrl);
    expect(first).toMatchObject({ status: 503, body: { status: "starting" } });
    seenStarting();
    await t.app.ready();
    const retries = t.logs.entries().filter((e) => e.msg === "getMe failed; retrying");
    expect(retries.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(t.fake.callsTo("setWebhook")).toHaveLength(1);
    expect((await healthz(t.baseUrl)).status).toBe(200);
  });
});

describe("while shutting down", () => {
  let t: TestApp;
  let asked = false;
  let releaseApi: () => void = () => undefined;
  let stopApi: () => void = () => undefined;
  beforeAll(async () => {
    // An API /health that answers only when told: it holds the probe loop's round in
    // flight (the app waits no less for it), which the app's stop waits for.
    const api = createServer((_req, res) => {
      asked = true;
      releaseApi = () => {
        if (!res.headersSent) res.writeHead(200).end('{"status":"ok"}');
      };
    });
    const port = await listen(api);
    t = await buildTestApp({
      env: { API_HEALTH_URL: `http://127.0.0.1:${port}/health` },
      probes: "loop",
      apiTimeoutMs: 60_000,
    });
    stopApi = () => {
      releaseApi();
      api.closeAllConnections();
      api.close();
    };
  });
  afterAll(async () => {
    // Released first: a test that failed before releasing it would hold the stop.
    stopApi();
    await t.close();
  });

  it("answers /healthz 503 stopping, and updates 503, until the listener closes", async () => {
    expect((await healthz(t.baseUrl)).status).toBe(200);
    await eventually(() => asked, 5_000, "a probe round asking the API");
    const stopped = t.app.stop();
    const { status, body } = await healthz(t.baseUrl);
    expect(status).toBe(503);
    expect(body.status).toBe("stopping");
    const res = await t.post(updates.message("/whoami", { from: STRANGER }));
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("shutting down");
    releaseApi();
    await stopped;
  });
});

describe("with METRICS_PORT set", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { METRICS_HOST: "127.0.0.1", METRICS_PORT: "0" } });
  });
  afterAll(() => t.close());

  it("serves /healthz and /metrics only on the metrics listener, the webhook only on the public one", async () => {
    expect(t.metricsUrl).toBeDefined();
    const metricsUrl = t.metricsUrl!;
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(404);
    expect((await healthz(metricsUrl)).status).toBe(200);
    const metrics = await fetch(`${metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("opsbot_updates_total");

    expect((await t.post(updates.message("/whoami", { from: STRANGER }))).status).toBe(200);
    await eventually(() => t.fake.callsTo("sendMessage").length === 1);
    const onMetricsPort = await fetch(`${metricsUrl}${t.config.WEBHOOK_PATH}`, { method: "POST" });
    expect(onMetricsPort.status).toBe(404);
  });
});
