// A Bot API server on 127.0.0.1 for tests: the real grammY client talks to it over HTTP
// (`apiRoot`), it answers like Telegram (from the local Bot API model), records every
// call, and can be told to fail the way Telegram and networks fail.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createLocalBotApi,
  type BotApiResponse,
  type BotInfo,
} from "../../src/console/local-bot-api.js";
import { parseParams } from "../../src/console/bot-api-request.js";
import { readBody } from "../../src/http/read-body.js";

export interface RecordedCall {
  method: string;
  token: string;
  params: Record<string, unknown>;
  at: number;
  /** The request body as sent: what an uploaded file held. */
  body: Buffer;
}

export type Fault =
  | { kind: "429"; retryAfter: number }
  | { kind: "cant-parse-entities" }
  | { kind: "migrate"; toChatId: number }
  | { kind: "500" }
  /** Any other 400, e.g. "Bad Request: query is too old and response timeout expired". */
  | { kind: "400"; description: string }
  | { kind: "hang" }
  | { kind: "reset" };

export interface FakeBotApi {
  /** e.g. http://127.0.0.1:PORT, no trailing slash */
  apiRoot: string;
  botInfo: BotInfo;
  /** Every call, faulted ones included, in order of arrival. */
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Fails the next `times` calls to `method` ("*": any method) with `fault`. */
  failNext(method: string, fault: Fault, times?: number): void;
  /** The first matching call, already recorded or still to come. */
  waitForCall(
    method: string,
    predicate?: (c: RecordedCall) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall>;
  /**
   * What getWebhookInfo reports beside what setWebhook set: Telegram's side of delivery
   * (dates as Dates, sent as unix seconds). Each call replaces the previous one.
   */
  setWebhookInfo(delivery: WebhookDelivery): void;
  /** Queues an update for long polling (getUpdates). */
  pushUpdate(update: { update_id: number } & Record<string, unknown>): void;
  /** Clears calls and queued faults; the chats' messages stay. */
  reset(): void;
  /** Also ends hanging requests. */
  close(): Promise<void>;
}

export interface WebhookDelivery {
  pendingUpdateCount?: number;
  lastErrorDate?: Date;
  lastErrorMessage?: string;
  lastSynchronizationErrorDate?: Date;
}

const unixSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** The delivery facts as WebhookInfo fields; those not given are omitted, as Telegram does. */
function deliveryFields(d: WebhookDelivery): Record<string, unknown> {
  return {
    ...(d.pendingUpdateCount !== undefined ? { pending_update_count: d.pendingUpdateCount } : {}),
    ...(d.lastErrorDate ? { last_error_date: unixSeconds(d.lastErrorDate) } : {}),
    ...(d.lastErrorMessage !== undefined ? { last_error_message: d.lastErrorMessage } : {}),
    ...(d.lastSynchronizationErrorDate
      ? { last_synchronization_error_date: unixSeconds(d.lastSynchronizationErrorDate) }
      : {}),
  };
}

const TEST_BOT: BotInfo = { id: 7000000001, first_name: "Opsbot", username: "opsbot_test_bot" };

function faultResponse(fault: Fault): BotApiResponse | undefined {
  switch (fault.kind) {
    case "429":
      return {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${fault.retryAfter}`,
        parameters: { retry_after: fault.retryAfter },
      };
    case "cant-parse-entities":
      return {
        ok: false,
        error_code: 400,
        description: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
      };
    case "migrate":
      return {
        ok: false,
        error_code: 400,
        description: "Bad Request: group chat was upgraded to a supergroup chat",
        parameters: { migrate_to_chat_id: fault.toChatId },
      };
    case "500":
      return { ok: false, error_code: 500, description: "Internal Server Error" };
    case "400":
      return { ok: false, error_code: 400, description: fault.description };
    default:
      return undefined;
  }
}

function reply(res: ServerResponse, body: BotApiResponse): void {
  const json = JSON.stringify(body);
  res.writeHead(body.ok ? 200 : body.error_code, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
  });
  res.end(json);
}

export async function startFakeBotApi(opts: { botInfo?: BotInfo } = {}): Promise<FakeBotApi> {
  const botInfo = opts.botInfo ?? TEST_BOT;
  const api = createLocalBotApi(botInfo);
  const calls: RecordedCall[] = [];
  const faults = new Map<string, Fault[]>();
  const hanging = new Set<ServerResponse>();
  const waiters = new Set<{
    matches: (c: RecordedCall) => boolean;
    settle: (c?: RecordedCall) => void;
  }>();
  const sameMethod = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const pending: { update_id: number }[] = [];
  const pollers = new Set<() => void>();
  let delivery: WebhookDelivery = {};

  /** The model's WebhookInfo (what setWebhook set) with the test's delivery facts over it. */
  function getWebhookInfo(params: Record<string, unknown>): BotApiResponse {
    const answer = api.call("getWebhookInfo", params);
    if (!answer.ok) return answer;
    return { ok: true, result: { ...(answer.result as object), ...deliveryFields(delivery) } };
  }

  /** Long polling as Telegram does it: hold the request until updates come (bounded here). */
  async function getUpdates(params: Record<string, unknown>): Promise<BotApiResponse> {
    const refused = api.call("getUpdates", params);
    if (!refused.ok) return refused;
    const offset = Number(params.offset ?? 0);
    while (pending.length > 0 && pending[0]!.update_id < offset) pending.shift();
    if (pending.length === 0) {
      const waitMs = Math.min(Number(params.timeout ?? 0), 1) * 1000;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          pollers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, waitMs);
        pollers.add(wake);
      });
    }
    return { ok: true, result: pending.filter((u) => u.update_id >= offset) };
  }

  function takeFault(method: string): Fault | undefined {
    for (const key of [method.toLowerCase(), "*"]) {
      const queue = faults.get(key);
      if (queue?.length) return queue.shift();
    }
    return undefined;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, 64 * 1024 * 1024);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const route = /^\/bot([^/]+)\/([A-Za-z0-9_]+)$/.exec(url.pathname);
      if (!route) return reply(res, { ok: false, error_code: 404, description: "Not Found" });
      let params: Record<string, unknown>;
      try {
        params = parseParams(body, req.headers["content-type"], url.searchParams);
      } catch {
        return reply(res, {
          ok: false,
          error_code: 400,
          description: "Bad Request: can't parse request",
        });
      }
      const call: RecordedCall = {
        method: route[2]!,
        token: route[1]!,
        params,
        at: Date.now(),
        body,
      };
      calls.push(call);
      for (const waiter of waiters) if (waiter.matches(call)) waiter.settle(call);
      const fault = takeFault(call.method);
      if (fault?.kind === "reset") return req.socket.destroy();
      if (fault?.kind === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      const faulted = fault && faultResponse(fault);
      if (faulted) return reply(res, faulted);
      if (sameMethod(call.method, "getUpdates")) return reply(res, await getUpdates(params));
      if (sameMethod(call.method, "getWebhookInfo")) return reply(res, getWebhookInfo(params));
      reply(res, api.call(call.method, params));
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    botInfo,
    calls,
    callsTo: (method) => calls.filter((c) => sameMethod(c.method, method)),
    failNext(method, fault, times = 1) {
      const key = method.toLowerCase();
      faults.set(key, [...(faults.get(key) ?? []), ...Array<Fault>(times).fill(fault)]);
    },
    // Only bounds how long a failing test waits: a child process or the cron may be slow to
    // act on a loaded CI machine.
    waitForCall(method, predicate = () => true, timeoutMs = 10_000) {
      const matches = (c: RecordedCall) =>
        (method === "*" || sameMethod(c.method, method)) && predicate(c);
      const done = calls.find(matches);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const waiter = {
          matches,
          settle: (c?: RecordedCall) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            if (c) resolve(c);
            else reject(new Error(`fake Bot API closed while waiting for ${method}`));
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching ${method} call within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    setWebhookInfo(facts) {
      delivery = facts;
    },
    pushUpdate(update) {
      pending.push(update);
      for (const wake of pollers) wake();
    },
    reset() {
      calls.length = 0;
      faults.clear();
    },
    async close() {
      for (const waiter of waiters) waiter.settle();
      for (const res of hanging) res.destroy();
      for (const wake of pollers) wake();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets would otherwise hold close() open.
      server.closeAllConnections();
      await closed;
    },
  };
}
