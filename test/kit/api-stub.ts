// A stand-in for the LabPics API's GET /health that can fail the ways a real one does:
// healthy, hanging, 503, or answering garbage. Every request is logged with its time and
// the mode that answered it, so a test can tell how many checks saw a failure.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ApiMode = "ok" | "hang" | "503" | "garbage";

export interface ApiStub {
  url: string;
  mode: ApiMode;
  requests: { at: number; mode: ApiMode }[];
  /** Requests answered (or held) in a failing mode since `since` (ms epoch), up to `until`. */
  failingBetween(since: number, until?: number): number;
  close(): Promise<void>;
}

// Held requests are let go after this long at most, so nothing outlives a test.
const HANG_LIMIT_MS = 20_000;

export async function startApiStub(initial: ApiMode = "ok"): Promise<ApiStub> {
  const held = new Set<ServerResponse>();
  const stub: ApiStub = {
    url: "",
    mode: initial,
    requests: [],
    failingBetween: (since, until = Infinity) =>
      stub.requests.filter((r) => r.mode !== "ok" && r.at >= since && r.at <= until).length,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((_req, res) => {
    const mode = stub.mode;
    stub.requests.push({ at: Date.now(), mode });
    switch (mode) {
      case "ok":
        return res
          .writeHead(200, { "content-type": "application/json" })
          .end('{"status":"ok","sse":{"clients":3},"redis":"ok"}');
      case "503":
        return res
          .writeHead(503, { "content-type": "application/json" })
          .end('{"status":"error","redis":"down"}');
      case "garbage":
        return res
          .writeHead(200, { "content-type": "text/html" })
          .end("<html>502 Bad Gateway from a confused proxy</html>");
      case "hang": {
        held.add(res);
        const timer = setTimeout(() => res.destroy(), HANG_LIMIT_MS);
        res.on("close", () => {
          clearTimeout(timer);
          held.delete(res);
        });
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  return stub;
}
