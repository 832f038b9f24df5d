// What both phases of bench:paging share: the stand-in LabPics API that fails on demand,
// and how a page is told apart in the fake Bot API's record.
import { startStubServer } from "../test/kit/alerts.js";

/** /health (opsbot's probes) and /metrics (Prometheus's scrape) fail together. */
export function startStandInApi(health: { healthy: boolean }) {
  return startStubServer((req) =>
    !health.healthy
      ? { status: 503, body: '{"status":"error"}' }
      : req.url === "/metrics"
        ? { status: 200, body: "# TYPE labpics_build_info gauge\nlabpics_build_info 1\n" }
        : { status: 200, body: '{"status":"ok","sse":{"clients":1},"redis":"ok"}' },
  );
}

export const isFiring = (text: string) => /\d+ alerts? firing/.test(text);

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
