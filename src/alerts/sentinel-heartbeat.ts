/**
 * The bot's side of the sentinel (src/sentinel/): after each good tick, a heartbeat to
 * SENTINEL_URL saying how whole the paging path is (paging-path.ts). Detached from the tick, with a short
 * timeout: a slow or absent sentinel never holds a tick up or fails it.
 */
import type { Logger } from "../log/create-logger.js";
import type { Heartbeat } from "../sentinel/heartbeat.js";
import type { PathStatus } from "./paging-path.js";

/** The heartbeat's body, field for field. */
export function heartbeatOf(version: string, status: PathStatus): Heartbeat {
  return {
    version,
    lastTickAt: status.lastTickAt?.toISOString() ?? null,
    undeliveredAlerts: status.undeliveredAlerts,
    oldestUndeliveredSeconds: status.oldestUndeliveredSeconds,
    telegramOk: status.telegramOk,
    firing: { critical: status.firing.critical, warning: status.firing.warning },
  };
}

const TIMEOUT_MS = 5_000;

/**
 * Posts heartbeats one at a time. One asked for while another is on its way (the sentinel
 * slow or unreachable) waits for it, and only the newest waits: they never pile up.
 */
export function createHeartbeatPoster(deps: { url: string; token: string; logger: Logger }) {
  let inFlight = false;
  let next: (() => Promise<Heartbeat>) | undefined;

  async function send(build: () => Promise<Heartbeat>): Promise<void> {
    const heartbeat = await build();
    const response = await fetch(deps.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${deps.token}` },
      body: JSON.stringify(heartbeat),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the sentinel answered ${response.status}`);
  }

  function start(build: () => Promise<Heartbeat>): void {
    inFlight = true;
    send(build)
      .catch((error: unknown) => deps.logger.warn({ err: error }, "sentinel heartbeat failed"))
      .finally(() => {
        inFlight = false;
        const waiting = next;
        next = undefined;
        if (waiting) start(waiting);
      });
  }

  return {
    /** Posts the heartbeat `build` makes (database reads included); never throws. */
    beat(build: () => Promise<Heartbeat>): void {
      if (inFlight) next = build;
      else start(build);
    },
  };
}
