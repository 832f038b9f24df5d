// checkApi against a real HTTP server: DESIGN asks for lenient parsing of the API's
// /health, and for every kind of failure to come out as "down" with what was received.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkApi } from "../../src/checks/api-health.js";
import { closedPort, listen } from "../kit/ports.js";

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
