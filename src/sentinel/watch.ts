/**
 * The sentinel's state machine, pure: heartbeats and the passing of time in, the next
 * state out, with the messages to send queued in it. One outage, one page; its end, one
 * recovery. Kept in SENTINEL_STATE_FILE (state-file.ts), so a restart repeats nothing.
 */
import { brokenBy, type BreakReason, type Heartbeat } from "./heartbeat.js";

export interface Outage {
  /** When the path stopped being whole (a silence: the last heartbeat before it). */
  since: string;
  /** What broke it first. */
  reason: BreakReason;
  /** The most undelivered alerts a heartbeat reported meanwhile. */
  mostUndelivered: number;
  /** Who got the private page: the person on call when it began. */
  paged: number | null;
}

export type SentinelMessage =
  | {
      kind: "page";
      reason: BreakReason;
      since: string;
      detectedAt: string;
      /** The bot's last word before it broke; null if it never spoke. */
      lastHeartbeat: Heartbeat | null;
    }
  | {
      kind: "recovered";
      reason: BreakReason;
      since: string;
      until: string;
      /** Alert messages that waited undelivered (the most seen during the outage). */
      waited: number;
      heartbeat: Heartbeat;
    };

/** A message waiting to be sent, kept until Telegram took it. */
export interface Delivery {
  id: number;
  chatId: number;
  threadId?: number | undefined;
  message: SentinelMessage;
  attempts: number;
  nextAttemptAt: string;
}

export interface SentinelState {
  lastHeartbeatAt: string | null;
  lastHeartbeat: Heartbeat | null;
  outage: Outage | null;
  queue: Delivery[];
  nextId: number;
}

export interface WatchContext {
  group: { chatId: number; threadId?: number | undefined };
  whoIsOnCall: (now: Date) => number | null;
}

const MAX_RETRY_MS = 60_000;

export const initialState = (): SentinelState => ({
  lastHeartbeatAt: null,
  lastHeartbeat: null,
  outage: null,
  queue: [],
  nextId: 1,
});

/** A heartbeat arrived: it may break the path (one page) or make it whole (one recovery). */
export function receiveHeartbeat(
  state: SentinelState,
  heartbeat: Heartbeat,
  now: Date,
  context: WatchContext,
): SentinelState {
  const heard = { ...state, lastHeartbeatAt: now.toISOString(), lastHeartbeat: heartbeat };
  const broken = brokenBy(heartbeat);
  const { outage } = state;
  if (outage === null) {
    return broken ? openOutage(heard, broken, now.toISOString(), now, context) : heard;
  }
  const still = {
    ...outage,
    mostUndelivered: Math.max(outage.mostUndelivered, heartbeat.undeliveredAlerts),
  };
  return broken ? { ...heard, outage: still } : recover(heard, still, heartbeat, now, context);
}

/** Time passed: a bot silent for `afterMs` (counted from the sentinel's start at the least) pages. */
export function checkSilence(
  state: SentinelState,
  now: Date,
  context: WatchContext & { afterMs: number; watchingSince: Date },
): SentinelState {
  if (state.outage !== null) return state;
  const last = state.lastHeartbeatAt === null ? null : new Date(state.lastHeartbeatAt);
  // A sentinel that was itself down heard nothing meanwhile: the bot gets its full grace again.
  const quietSince = Math.max(last?.getTime() ?? 0, context.watchingSince.getTime());
  if (now.getTime() - quietSince < context.afterMs) return state;
  const since = (last ?? context.watchingSince).toISOString();
  return openOutage(state, "silent", since, now, context);
}

function openOutage(
  state: SentinelState,
  reason: BreakReason,
  since: string,
  now: Date,
  context: WatchContext,
): SentinelState {
  const person = context.whoIsOnCall(now);
  const message: SentinelMessage = {
    kind: "page",
    reason,
    since,
    detectedAt: now.toISOString(),
    lastHeartbeat: state.lastHeartbeat,
  };
  const mostUndelivered = reason === "silent" ? 0 : (state.lastHeartbeat?.undeliveredAlerts ?? 0);
  let next: SentinelState = {
    ...state,
    outage: { since, reason, mostUndelivered, paged: person },
  };
  next = enqueue(next, context.group, message, now);
  return person === null ? next : enqueue(next, { chatId: person }, message, now);
}

/**
 * Whole again: one recovery message. A page still unsent is dropped (the recovery says it
 * all); the person paged hears of the recovery only if their page reached them.
 */
function recover(
  state: SentinelState,
  outage: Outage,
  heartbeat: Heartbeat,
  now: Date,
  context: WatchContext,
): SentinelState {
  const isUnsentPage = (d: Delivery) =>
    d.message.kind === "page" && d.message.since === outage.since;
  const personWasPaged =
    outage.paged !== null && !state.queue.some((d) => isUnsentPage(d) && d.chatId === outage.paged);
  const message: SentinelMessage = {
    kind: "recovered",
    reason: outage.reason,
    since: outage.since,
    until: now.toISOString(),
    waited: Math.max(outage.mostUndelivered, heartbeat.undeliveredAlerts),
    heartbeat,
  };
  let next: SentinelState = {
    ...state,
    outage: null,
    queue: state.queue.filter((d) => !isUnsentPage(d)),
  };
  next = enqueue(next, context.group, message, now);
  return personWasPaged && outage.paged !== null
    ? enqueue(next, { chatId: outage.paged }, message, now)
    : next;
}

function enqueue(
  state: SentinelState,
  to: WatchContext["group"],
  message: SentinelMessage,
  now: Date,
): SentinelState {
  const delivery: Delivery = {
    id: state.nextId,
    chatId: to.chatId,
    ...(to.threadId !== undefined ? { threadId: to.threadId } : {}),
    message,
    attempts: 0,
    nextAttemptAt: now.toISOString(),
  };
  return { ...state, queue: [...state.queue, delivery], nextId: state.nextId + 1 };
}

/** What to send now: each chat's oldest waiting message, when due (a chat's keep their order). */
export function dueDeliveries(state: SentinelState, now: Date): Delivery[] {
  const chats = new Set<number>();
  const due: Delivery[] = [];
  for (const delivery of state.queue) {
    if (chats.has(delivery.chatId)) continue;
    chats.add(delivery.chatId);
    if (Date.parse(delivery.nextAttemptAt) <= now.getTime()) due.push(delivery);
  }
  return due;
}

export function markDelivered(state: SentinelState, id: number): SentinelState {
  return { ...state, queue: state.queue.filter((d) => d.id !== id) };
}

/** Failed: tried again after retry_after when Telegram gave one, else 1 s, 2 s, 4 s… (at most a minute). */
export function markFailed(
  state: SentinelState,
  id: number,
  now: Date,
  retryAfterSeconds?: number,
): SentinelState {
  const queue = state.queue.map((d) => {
    if (d.id !== id) return d;
    const delay =
      retryAfterSeconds !== undefined
        ? retryAfterSeconds * 1000
        : Math.min(MAX_RETRY_MS, 1000 * 2 ** d.attempts);
    const nextAttemptAt = new Date(now.getTime() + delay).toISOString();
    return { ...d, attempts: d.attempts + 1, nextAttemptAt };
  });
  return { ...state, queue };
}
