// Helpers for the alert tests: an app aimed at an alert group, a stand-in for the API's
// /health and for a heartbeat check, deterministic ticks, and reads of the bot's tables.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { AlertRuleOptions } from "../../src/alerts/rules.js";
import type { TickOutcome } from "../../src/alerts/watcher.js";
import type { Shape } from "../../src/checks/schema-shape.js";
import { applyShape } from "../../src/console/demo/labpics-fixtures.js";
import type { Pool } from "../../src/db/pool.js";
import { buildTestApp, type TestApp, type TestAppOptions } from "./build-test-app.js";
import type { FakeBotApi, RecordedCall } from "./fake-bot-api.js";
import { TEAM_GROUP } from "./updates.js";

/** The rules' thresholds in tests of the rules alone: the defaults, down after 2 ticks. */
export const RULES: AlertRuleOptions = {
  downAfterChecks: 2,
  connectionsHighRatio: 0.8,
  longQueryMinutes: 10,
  blockedMinutes: 5,
  backupMaxAgeHours: 26,
};

/** A valid cron that does not come round during a test run: ticks are driven by hand. */
export const NEVER_CRON = "0 0 1 1 *";

/** A tiny HTTP server answering with whatever `answer` says now; counts requests. */
export async function startStubServer(
  answer: (req: IncomingMessage) => { status: number; body: string },
) {
  let requests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests++;
    const { status, body } = answer(req);
    res.writeHead(status, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The API's /health: ok unless told otherwise. */
export async function startApiHealth() {
  const state = { healthy: true };
  const stub = await startStubServer(() =>
    state.healthy
      ? { status: 200, body: '{"status":"ok","sse":{"clients":1},"redis":"ok"}' }
      : { status: 503, body: '{"status":"error"}' },
  );
  return { ...stub, url: `${stub.url}/health`, state };
}

/** The API's /health stand-in for a test file: started before its tests, closed after. */
export function useApiHealth(): { readonly url: string; readonly state: { healthy: boolean } } {
  let api: Awaited<ReturnType<typeof startApiHealth>> | undefined;
  beforeAll(async () => {
    api = await startApiHealth();
  });
  afterAll(() => api?.close());
  const started = () => {
    if (!api) throw new Error("useApiHealth: read it inside a test or hook");
    return api;
  };
  return {
    get url() {
      return started().url;
    },
    get state() {
      return started().state;
    },
  };
}

/**
 * The hooks of a file of alert-app tests: the API's /health stand-in for the file, and
 * `build`, whose apps are closed after each test.
 */
export function useAlertApps() {
  const api = useApiHealth();
  const open: TestApp[] = [];
  afterEach(async () => {
    while (open.length > 0) await open.pop()!.close();
  });
  return {
    async build(options: Parameters<typeof buildAlertApp>[1] = {}): Promise<TestApp> {
      const t = await buildAlertApp(api.url, options);
      open.push(t);
      return t;
    },
  };
}

/**
 * The real app with alerts going to TEAM_GROUP, the cron out of the way (ticks by hand)
 * and the LabPics tables in place.
 */
export async function buildAlertApp(
  apiUrl: string,
  options: TestAppOptions & { shape?: Shape } = {},
): Promise<TestApp> {
  const t = await buildTestApp({
    ...options,
    env: {
      ALERT_CHAT_ID: String(TEAM_GROUP.id),
      WATCH_CRON: NEVER_CRON,
      REPORT_CRON: NEVER_CRON,
      API_HEALTH_URL: apiUrl,
      DOWN_AFTER_CHECKS: "2",
      ...options.env,
    },
  });
  await applyShape(t.pool, options.shape ?? "reference");
  return t;
}

let tickSeq = 0;

/** One tick with a key of its own (a fake clock standing still would repeat the default key). */
export async function tick(t: TestApp, expected: TickOutcome = "ok"): Promise<void> {
  const outcome = await t.app.watcher.tick(`test-tick:${process.pid}:${++tickSeq}`);
  expect(outcome).toBe(expected);
}

export async function ticks(t: TestApp, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await tick(t);
}

/** How many ticks of the app finished ok: for ticks it runs by itself (cron, batches). */
export const okTicks = async (t: TestApp): Promise<number> =>
  (await t.app.metrics.ticks.get()).values.find((v) => v.labels.result === "ok")?.value ?? 0;

/**
 * Probe rounds by hand, `everyMs` apart on `clock`, for `ms` (the first at once): each round
 * runs the tick its verdicts start, so a page it decides has reached the fake Bot API.
 */
export async function probeFor(
  apps: TestApp | TestApp[],
  clock: { advance(ms: number): void },
  ms: number,
  everyMs: number,
): Promise<void> {
  for (let waited = 0; waited < ms; waited += everyMs) {
    await Promise.all([apps].flat().map((t) => t.app.watcher.probe()));
    clock.advance(everyMs);
  }
}

export interface SentMessage {
  chat_id: number;
  text: string;
  parse_mode?: string;
  message_thread_id?: number;
  reply_markup?: unknown;
}

const asObject = (value: unknown) =>
  (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;

/** Every sendMessage aimed at `chatId` (attempts that failed included), in order. */
export function messagesTo(fake: FakeBotApi, chatId: number = TEAM_GROUP.id): SentMessage[] {
  return fake
    .callsTo("sendMessage")
    .filter((c) => Number(c.params.chat_id) === chatId)
    .map((c) => c.params as unknown as SentMessage);
}

/** The callback data of a message's inline buttons, in order. */
export function buttonData(message: { reply_markup?: unknown }): string[] {
  if (message.reply_markup === undefined) return [];
  const markup = asObject(message.reply_markup) as {
    inline_keyboard: { text: string; callback_data: string }[][];
  };
  return markup.inline_keyboard.flat().map((b) => b.callback_data);
}

/** The link buttons of a message (runbooks), as [text, url], in order. */
export function linkButtons(message: { reply_markup?: unknown }): [string, string][] {
  if (message.reply_markup === undefined) return [];
  const markup = asObject(message.reply_markup) as {
    inline_keyboard: { text: string; url?: string }[][];
  };
  return markup.inline_keyboard.flat().flatMap((b) => (b.url ? [[b.text, b.url]] : []));
}

export const callParams = (c: RecordedCall) => c.params;

export interface OutboxRecord {
  id: number;
  kind: string;
  chat_id: number | null;
  thread_id: number | null;
  fingerprints: string[];
  attempts: number;
  next_attempt_at: Date;
  sent_at: Date | null;
  cancelled_at: Date | null;
  message_id: number | null;
  last_error: string | null;
}

export async function outbox(pool: Pool): Promise<OutboxRecord[]> {
  const { rows } = await pool.query<OutboxRecord>(
    `SELECT id, kind, chat_id, thread_id, attempts, next_attempt_at, sent_at, cancelled_at,
            message_id, last_error,
            ARRAY(SELECT a->>'fingerprint' FROM jsonb_array_elements(alerts) a) AS fingerprints
       FROM opsbot.outbox ORDER BY id`,
  );
  return rows;
}

/** Inserts running worker runs started `minutesAgo` before `now`; returns their ids. */
export async function insertStuckWorkers(
  pool: Pool,
  now: Date,
  count = 1,
  minutesAgo = 120,
): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO worker_runs (job_type, status, started_at)
     SELECT 'embeddings_refresh', 'running', $1::timestamptz FROM generate_series(1, $2)
     RETURNING id`,
    [new Date(now.getTime() - minutesAgo * 60_000), count],
  );
  return rows.map((r) => r.id);
}

export async function finishWorkers(pool: Pool, ids: readonly number[]): Promise<void> {
  await pool.query(
    "UPDATE worker_runs SET status = 'ok', finished_at = started_at + interval '3 hours' WHERE id = ANY($1)",
    [ids],
  );
}

/**
 * PostgreSQL gone for the app: its database renamed away (its connections ended first),
 * so every connection attempt fails until `fn` is done; then put back.
 */
export async function withDatabaseGone<T>(connectionString: string, fn: () => Promise<T>) {
  const name = new URL(connectionString).pathname.slice(1);
  const adminUrl = new URL(connectionString);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [name],
      );
      try {
        await admin.query(`ALTER DATABASE ${name} RENAME TO ${name}_away`);
        break;
      } catch (error) {
        // Terminated backends take a moment to go.
        if (attempt >= 40) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    try {
      return await fn();
    } finally {
      await admin.query(`ALTER DATABASE ${name}_away RENAME TO ${name}`);
    }
  } finally {
    await admin.end();
  }
}

export { eventually } from "./eventually.js";

/**
 * A Bot API in front of `fake` that answers sendMessage to the chats in `blocked` the way
 * Telegram does when a bot was blocked or removed (403), and passes everything else on.
 */
export async function startBlockingBotApi(fake: FakeBotApi, blocked: Set<number>) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        let chatId: number | undefined;
        try {
          chatId = Number((JSON.parse(body.toString("utf8")) as { chat_id?: unknown }).chat_id);
        } catch {
          chatId = undefined;
        }
        if (/\/sendMessage$/i.test(req.url ?? "") && chatId !== undefined && blocked.has(chatId)) {
          const json = JSON.stringify({
            ok: false,
            error_code: 403,
            description: "Forbidden: bot was kicked from the supergroup chat",
          });
          res.writeHead(403, { "content-type": "application/json" }).end(json);
          return;
        }
        const answer = await fetch(`${fake.apiRoot}${req.url ?? "/"}`, {
          method: req.method ?? "POST",
          headers: { "content-type": req.headers["content-type"] ?? "application/json" },
          ...(req.method === "GET" ? {} : { body }),
        });
        res
          .writeHead(answer.status, { "content-type": "application/json" })
          .end(Buffer.from(await answer.arrayBuffer()));
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every sendMessage aimed at `chatId` and, when given, its forum topic. */
export const messagesToTopic = (fake: FakeBotApi, chatId: number, threadId?: number) =>
  messagesTo(fake, chatId).filter(
    (m) => threadId === undefined || m.message_thread_id === threadId,
  );
