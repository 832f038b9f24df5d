/**
 * The sentinel: a small process on another host that pages when the bot goes quiet or says
 * its paging path is broken. Heartbeats come in over HTTP, time passes on a timer; both go
 * through the state machine (watch.ts), every change is kept in the state file before it
 * counts, and the messages it queues are sent until Telegram takes them.
 */
import type { SentinelSender } from "../bot/sentinel-channel.js";
import type { Clock } from "../clock.js";
import { createListeners } from "../http/listeners.js";
import type { Logger } from "../log/create-logger.js";
import type { Heartbeat } from "./heartbeat.js";
import { createSentinelRoutes } from "./routes.js";
import type { StateFile } from "./state-file.js";
import {
  checkSilence,
  dueDeliveries,
  markDelivered,
  markFailed,
  receiveHeartbeat,
  type Delivery,
  type SentinelState,
  type WatchContext,
} from "./watch.js";

export interface SentinelDeps {
  logger: Logger;
  clock: Clock;
  stateFile: StateFile;
  sender: SentinelSender;
  token: string;
  group: WatchContext["group"];
  /** The person to page privately now, if any. */
  whoIsOnCall: (now: Date) => number | null;
  afterMs: number;
  host: string;
  port: number;
  /** How often silence is checked and waiting messages retried. */
  everyMs?: number;
}

// A message failing this many times in a row: the sentinel itself is not well (/healthz 503).
const FAILING_ATTEMPTS = 3;

export function createSentinel(deps: SentinelDeps) {
  const { logger, clock } = deps;
  const context: WatchContext = { group: deps.group, whoIsOnCall: deps.whoIsOnCall };
  const listeners = createListeners(logger);
  let state: SentinelState | undefined;
  let watchingSince = clock.now();
  let saved: Promise<void> = Promise.resolve();
  const sending = new Map<number, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  const current = (): SentinelState => {
    if (state === undefined) throw new Error("the sentinel has not loaded its state");
    return state;
  };

  /** Applies a change and resolves once the state file holds it (writes in order). */
  function change(next: (s: SentinelState) => SentinelState): Promise<void> {
    const before = current();
    state = next(before);
    if (state === before) return saved;
    logTransition(before, state);
    const snapshot = state;
    saved = saved.catch(() => undefined).then(() => deps.stateFile.save(snapshot));
    return saved;
  }

  function logTransition(before: SentinelState, after: SentinelState): void {
    if (before.outage === null && after.outage !== null) {
      logger.warn(
        { reason: after.outage.reason, since: after.outage.since, paged: after.outage.paged },
        "paging path broken; paging",
      );
    } else if (before.outage !== null && after.outage === null) {
      logger.info({ since: before.outage.since }, "paging path whole again");
    }
  }

  async function receive(heartbeat: Heartbeat): Promise<void> {
    await change((s) => receiveHeartbeat(s, heartbeat, clock.now(), context));
    deliver();
  }

  /** Silence checked, then what is due sent; resolves when those sends have settled. */
  async function check(): Promise<void> {
    const now = clock.now();
    await change((s) => checkSilence(s, now, { ...context, afterMs: deps.afterMs, watchingSince }));
    deliver();
    await Promise.all(sending.values());
  }

  /** Starts a send for each due message not already on its way. */
  function deliver(): void {
    for (const delivery of dueDeliveries(current(), clock.now())) {
      if (sending.has(delivery.id)) continue;
      const attempt = sendOne(delivery)
        .catch((error: unknown) => logger.error({ err: error }, "sentinel delivery failed"))
        .finally(() => sending.delete(delivery.id));
      sending.set(delivery.id, attempt);
    }
  }

  async function sendOne(delivery: Delivery): Promise<void> {
    const result = await deps.sender.send(delivery);
    if (result.ok) {
      logger.info(
        { chat_id: delivery.chatId, kind: delivery.message.kind },
        "sentinel message sent",
      );
      await change((s) => markDelivered(s, delivery.id));
      return;
    }
    await change((s) => markFailed(s, delivery.id, clock.now(), result.retryAfterSeconds));
    logger.warn(
      { chat_id: delivery.chatId, kind: delivery.message.kind, error: result.error },
      "sentinel message not sent; it will be retried",
    );
  }

  function health() {
    const s = current();
    const failing = s.queue.some((d) => d.attempts >= FAILING_ATTEMPTS);
    return {
      ok: !failing,
      facts: {
        status: failing ? "cannot deliver" : "ok",
        lastHeartbeatAt: s.lastHeartbeatAt,
        outage: s.outage && { since: s.outage.since, reason: s.outage.reason },
        waitingMessages: s.queue.length,
      },
    };
  }

  const routes = createSentinelRoutes({ token: deps.token, receive, health });

  return {
    check,
    state: current,
    /** Loads the state file, listens, and checks every `everyMs`. Resolves with the port. */
    async start(): Promise<number> {
      state = await deps.stateFile.load();
      watchingSince = clock.now();
      const port = await listeners.bind(routes, deps.host, deps.port);
      timer = setInterval(() => {
        check().catch((error: unknown) => logger.error({ err: error }, "sentinel check failed"));
      }, deps.everyMs ?? 1_000);
      logger.info({ afterSeconds: deps.afterMs / 1000, outage: state.outage }, "sentinel started");
      return port;
    },
    /** Stops checking, lets sends in flight settle, closes HTTP; the state file is current. */
    async stop(): Promise<void> {
      clearInterval(timer);
      await listeners.close();
      await Promise.all(sending.values());
      await saved.catch(() => undefined);
    },
  };
}

export type Sentinel = ReturnType<typeof createSentinel>;
