// Bodies are read with a cap: the API health check stops reading an endless answer.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkApi } from "../../../src/checks/probes/api-health.js";
import { BodyTooLargeError, readCapped } from "../../../src/checks/probes/read-capped.js";
import { listen } from "../../kit/ports.js";

describe("reading a response with a cap", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // /endless streams JSON-looking text forever, like a misrouted SSE endpoint.
    server = createServer((req, res) => {
      if (req.url === "/small") return res.end('{"status":"ok"}');
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(16 * 1024, "x");
      const pump = () => {
        while (res.write(chunk));
        res.once("drain", pump);
      };
      res.write('{"status":"ok","pad":"');
      pump();
    });
    url = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("returns a body within the limit", async () => {
    expect(await readCapped(await fetch(`${url}/small`), 1024)).toBe('{"status":"ok"}');
  });

  it("stops at the limit instead of buffering an endless body", async () => {
    await expect(readCapped(await fetch(`${url}/endless`), 64 * 1024)).rejects.toBeInstanceOf(
      BodyTooLargeError,
    );
  });

  it("reports an API whose /health never ends as down", async () => {
    const health = await checkApi({ url: `${url}/endless`, timeoutMs: 10_000 });
    expect(health).toMatchObject({
      status: "down",
      error: "answered more than 65536 bytes",
    });
  });
});
