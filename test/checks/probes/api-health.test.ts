// checkApi against a real HTTP server: the bot parses leniently of the API's
// /health, and for every kind of failure to come out as "down" with what was received.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkApi } from "../../../src/checks/probes/api-health.js";
import { checkApiMetrics, readApiMetrics } from "../../../src/checks/probes/api-metrics.js";
import { closedPort, listen } from "../../kit/ports.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers `status` with `body` as the given content type. */
const answer =
  (status: number, body: string, type = "application/json"): Handler =>
  (_req, res) => {
    res.writeHead(status, { "content-type": type }).end(body);
  };

describe("checkApi", () => {
  let handler: Handler = answer(200, "{}");
  const server = createServer((req, res) => handler(req, res));
  let url: string;

  beforeAll(async () => {
    url = `http://127.0.0.1:${await listen(server)}/health`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const check = (timeoutMs = 2_000) => checkApi({ url, timeoutMs });

  it("reads a healthy answer as ok, keeping SSE, Redis and every other field", async () => {
    handler = answer(200, '{"status":"ok","sse":{"clients":3},"redis":"ok","uptime":12}');

    const health = await check();
    expect(health).toMatchObject({
      status: "ok",
      httpStatus: 200,
      reported: "ok",
      sse: { clients: 3 },
      redis: "ok",
      other: { uptime: 12 },
    });
    expect(health.error).toBeUndefined();
    expect(health.latencyMs).toEqual(expect.any(Number));
  });

  it("reads LabPics's real answer (ok: true, no status) as healthy", async () => {
    handler = answer(200, '{"ok":true,"service":"server","request_id":"5f1c"}');
    expect(await check()).toMatchObject({ status: "ok", other: { service: "server" } });
  });

  it("reads ok: false as down with the API's error and message", async () => {
    handler = answer(200, '{"ok":false,"error":"db_unavailable","message":"pool exhausted"}');
    expect(await check()).toMatchObject({
      status: "down",
      error: "reports ok: false (db_unavailable: pool exhausted)",
    });
  });

  it("stops reading an endless body (a stream) at the cap and calls it down", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = `data: ${"x".repeat(16 * 1024)}\n\n`;
      const timer = setInterval(() => res.write(chunk), 1);
      res.on("close", () => clearInterval(timer));
    };
    expect(await check(5_000)).toMatchObject({
      status: "down",
      error: "answered more than 65536 bytes",
    });
  });

  it("asks for JSON", async () => {
    let accept: string | undefined;
    handler = (req, res) => {
      accept = req.headers.accept;
      answer(200, '{"status":"ok"}')(req, res);
    };
    await check();
    expect(accept).toBe("application/json");
  });

  it.each(["OK", "healthy", "up"])("accepts the ok-like status %j", async (status) => {
    handler = answer(200, JSON.stringify({ status }));
    expect((await check()).status).toBe("ok");
  });

  it("reads the real LabPics answer (ok: true, no status field) as ok", async () => {
    handler = answer(200, '{"ok":true,"service":"server","request_id":"r-1"}');
    expect(await check()).toMatchObject({ status: "ok", other: { service: "server" } });
    handler = answer(200, '{"ok":false,"error":"db","message":"down","request_id":"r-2"}');
    expect((await check()).status).toBe("down");
  });

  it("reports a 200 without a status field as down: reports no status", async () => {
    handler = answer(200, '{"sse":{"clients":1},"redis":"ok"}');

    const health = await check();
    expect(health).toMatchObject({ status: "down", error: "reports no status", redis: "ok" });
    expect(health.reported).toBeUndefined();
  });

  it("reports status degraded as degraded, with the reason", async () => {
    handler = answer(200, '{"status":"degraded","redis":"down"}');

    const health = await check();
    expect(health).toMatchObject({ status: "degraded", reported: "degraded", redis: "down" });
    expect(health.error).toContain("degraded");
  });

  it("reports an unknown status as down, naming it", async () => {
    handler = answer(200, '{"status":"on fire"}');
    expect(await check()).toMatchObject({ status: "down", error: 'reports status "on fire"' });
  });

  it("reports a 503 with a JSON body as down with HTTP 503 and what was received", async () => {
    const body = '{"status":"error","redis":"down"}';
    handler = answer(503, body);

    const health = await check();
    expect(health).toMatchObject({
      status: "down",
      httpStatus: 503,
      error: "HTTP 503",
      received: body,
      redis: "down",
    });
  });

  it("reports a 503 whose body says ok as down all the same", async () => {
    handler = answer(503, '{"status":"ok"}');
    expect(await check()).toMatchObject({ status: "down", error: "HTTP 503" });
  });

  it("reports a 200 that is not JSON as down, with a short snippet of what came", async () => {
    const page = `<html><body>Bad gateway</body></html>${"x".repeat(1_000)}`;
    handler = answer(200, page, "text/html");

    const health = await check();
    expect(health).toMatchObject({
      status: "down",
      httpStatus: 200,
      error: "answered with something that is not JSON",
    });
    expect(health.received?.startsWith("<html><body>Bad gateway")).toBe(true);
    expect(health.received!.length).toBeLessThanOrEqual(200);
  });

  it("reports a non-JSON 502 as down with its HTTP status", async () => {
    handler = answer(502, "Bad Gateway", "text/plain");
    expect(await check()).toMatchObject({
      status: "down",
      error: "HTTP 502",
      received: "Bad Gateway",
    });
  });

  it.each([
    ["an array", "[1,2,3]"],
    ["a string", '"ok"'],
    ["null", "null"],
  ])("reports JSON that is %s as down", async (_name, body) => {
    handler = answer(200, body);
    expect(await check()).toMatchObject({
      status: "down",
      error: "answered JSON that is not an object",
      received: body,
    });
  });

  it("gives up on a server that never answers after the timeout, and says so", async () => {
    handler = () => undefined; // keeps the request open forever

    const started = performance.now();
    const health = await check(300);
    const elapsed = performance.now() - started;
    expect(health).toMatchObject({ status: "down", error: "no answer within 300 ms" });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_500);
  });

  it("gives up on headers that arrive but a body that never ends", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"status":');
    };

    const started = performance.now();
    const health = await check(300);
    expect(health).toMatchObject({ status: "down", error: "no answer within 300 ms" });
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});

describe("checkApi without a server", () => {
  it("reports a closed port as down: connection refused", async () => {
    const port = await closedPort();
    const health = await checkApi({ url: `http://127.0.0.1:${port}/health`, timeoutMs: 2_000 });
    expect(health).toMatchObject({ status: "down", error: "connection refused", other: {} });
    expect(health.httpStatus).toBeUndefined();
  });
});

describe("the API's /metrics", () => {
  const TEXT = [
    "# TYPE app_sse_connections_total gauge",
    "app_sse_connections_total 7",
    "# TYPE app_redis_pubsub_subscribed_channels gauge",
    "app_redis_pubsub_subscribed_channels 3",
    "# TYPE app_redis_pubsub_publish_failed_total counter",
    "app_redis_pubsub_publish_failed_total 0",
    "# TYPE app_db_pool_total gauge",
    "app_db_pool_total 10",
    "app_db_pool_idle 8",
    "app_db_pool_waiting 1",
    'app_route_requests_total{route="/health"} 42',
  ].join("\n");

  it("picks SSE, Redis pub/sub and DB pool figures out of Prometheus text", () => {
    expect(readApiMetrics(TEXT)).toEqual({
      sseConnections: 7,
      pubsubChannels: 3,
      pubsubPublishFailed: 0,
      dbPoolTotal: 10,
      dbPoolIdle: 8,
      dbPoolWaiting: 1,
    });
  });

  it("leaves a figure the API does not give undefined (shown as unknown)", () => {
    expect(readApiMetrics("app_sse_connections_total 2\n")).toEqual({ sseConnections: 2 });
  });

  it("reads the last line though the text ends without a newline, as LabPics's does", () => {
    expect(readApiMetrics("app_db_pool_idle 1\napp_db_pool_waiting 4")).toEqual({
      dbPoolIdle: 1,
      dbPoolWaiting: 4,
    });
  });

  it("fetches them over HTTP, and says why when it cannot", async () => {
    const server = createServer((req, res) => {
      if (req.url === "/metrics") res.writeHead(200, { "content-type": "text/plain" }).end(TEXT);
      else res.writeHead(404).end();
    });
    const port = await listen(server);
    try {
      const ok = await checkApiMetrics({
        url: `http://127.0.0.1:${port}/metrics`,
        timeoutMs: 2_000,
      });
      expect(ok.sseConnections).toBe(7);
      const missing = await checkApiMetrics({
        url: `http://127.0.0.1:${port}/nope`,
        timeoutMs: 2_000,
      });
      expect(missing).toEqual({ error: "HTTP 404" });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
