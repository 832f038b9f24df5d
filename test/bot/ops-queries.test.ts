// /health, /jobs, /stuck, /sync and the /start quick-action buttons, driven through the
// real webhook against real PostgreSQL (and Redis where it matters), with the API's
// /health served by a small HTTP server this file controls.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Update } from "grammy/types";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import { EN, REFUSAL } from "../kit/english.js";
import type { Clock } from "../../src/clock.js";
import { applyShape } from "../../src/console/demo/labpics-fixtures.js";
import type { Pool } from "../../src/db/pool.js";
import { buildTestApp, useTestApp, type TestApp } from "../kit/build-test-app.js";
import type { FakeBotApi } from "../kit/fake-bot-api.js";
import { testRedisUrl } from "../kit/redis.js";
import { createUpdates, OPERATOR, STRANGER, VIEWER } from "../kit/updates.js";
import { eventually } from "../kit/eventually.js";
import { closedPort, listen } from "../kit/ports.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { startTcpProxy, type TcpProxy } from "../kit/tcp-proxy.js";
import { insertJobs, insertWorkerRuns } from "../kit/rows.js";

const updates = createUpdates(70_000);
const NOW = new Date("2025-03-10T09:00:00Z");
const clock: Clock = { now: () => NOW };
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

// ---------------------------------------------------------------------------------------
// The API's /health, as this test wants it to behave.

type ApiMode = "ok" | "503" | "garbage" | "hang" | "labpics";
let apiMode: ApiMode = "ok";
const API_OK = '{"status":"ok","sse":{"clients":3},"redis":"ok","uptime":12}';

// LabPics's API as its code answers: /health without status, figures at /metrics.
const LABPICS_METRICS = [
  "# TYPE app_sse_connections_total gauge",
  "app_sse_connections_total 7",
  "app_redis_pubsub_subscribed_channels 3",
  "app_redis_pubsub_publish_failed_total 0",
  "app_db_pool_total 10",
  "app_db_pool_idle 8",
  "app_db_pool_waiting 1",
].join("\n");

function serveApi(req: IncomingMessage, res: ServerResponse): void {
  const json = { "content-type": "application/json" };
  if (apiMode === "labpics") {
    if (req.url === "/metrics")
      res.writeHead(200, { "content-type": "text/plain" }).end(LABPICS_METRICS);
    else res.writeHead(200, json).end('{"ok":true,"service":"server","request_id":"r-1"}');
  } else if (apiMode === "ok") res.writeHead(200, json).end(API_OK);
  else if (apiMode === "503") res.writeHead(503, json).end('{"status":"error","redis":"down"}');
  else if (apiMode === "garbage")
    res.writeHead(200, { "content-type": "text/html" }).end("<html>502 Bad Gateway</html>");
  // "hang": never answer.
}

const apiServer = createServer(serveApi);
let apiUrl: string;
beforeAll(async () => {
  apiUrl = `http://127.0.0.1:${await listen(apiServer)}/health`;
});
afterAll(async () => {
  apiServer.closeAllConnections();
  await new Promise<void>((resolve) => apiServer.close(() => resolve()));
});
beforeEach(() => {
  apiMode = "ok";
});

// ---------------------------------------------------------------------------------------
// Talking to the bot.

interface Poster {
  fake: FakeBotApi;
  post(update: Update): Promise<Response>;
}

interface Sent {
  chat_id: unknown;
  text: string;
  parse_mode?: unknown;
  reply_markup?: unknown;
}

/** Posts the update (expects 200) and returns what was sent with sendMessage since the last reset. */
async function exchange(t: Poster, update: Update): Promise<Sent[]> {
  t.fake.reset();
  const res = await t.post(update);
  expect(res.status).toBe(200);
  return t.fake.callsTo("sendMessage").map((c) => c.params as unknown as Sent);
}

/** The one reply a viewer's (or the given user's) command must get. */
async function ask(t: Poster, text: string, from = VIEWER): Promise<Sent> {
  const sent = await exchange(t, updates.message(text, { from }));
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

/** The rows of the <pre> table in a reply, header row excluded. */
function tableRows(text: string): string[] {
  const start = text.indexOf("<pre>");
  const end = text.indexOf("</pre>");
  expect(start).toBeGreaterThanOrEqual(0);
  return text
    .slice(start + "<pre>".length, end)
    .split("\n")
    .slice(1);
}

const moreCount = (text: string) => Number(/<i>\+(\d+) more<\/i>/.exec(text)?.[1] ?? 0);

const asObject = (value: unknown) =>
  (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;

// ---------------------------------------------------------------------------------------
// The LabPics tables.

const TABLES = "scheduled_jobs, worker_runs, process_runs, connector_sync_state";

/**
 * One of everything: a failed job, an overdue one, a paused one with an old next_run_at,
 * a healthy one; a stuck worker (2h 13m), a young running worker, an old failed worker;
 * a stuck process (3d 4h), a finished process; a failed, a stale, a never-synced and a
 * fresh connector.
 */
async function loadScenario(pool: Pool): Promise<void> {
  await pool.query(`TRUNCATE ${TABLES} RESTART IDENTITY`);
  await insertJobs(pool, [
    {
      job: "search_reindex",
      lastStatus: "failed",
      lastRunAt: ago(20),
      nextRunAt: ago(-5),
      lastError: "index photos missing",
    },
    { job: "digest_email", lastStatus: "ok", lastRunAt: ago(105), nextRunAt: ago(45) },
    {
      job: "cleanup_sessions",
      status: "paused",
      lastStatus: "ok",
      lastRunAt: ago(3000),
      nextRunAt: ago(2880),
    },
    { job: "analytics_rollup", lastStatus: "ok", lastRunAt: ago(50), nextRunAt: ago(-10) },
  ]);
  await insertWorkerRuns(pool, [
    { job: "embeddings_refresh", status: "running", startedAt: ago(133) },
    { job: "thumbnail_backfill", status: "running", startedAt: ago(5) },
    {
      job: "invoice_export",
      status: "failed",
      startedAt: ago(4000),
      finishedAt: ago(3990),
      error: "exit 1",
    },
  ]);
  await pool.query(
    `INSERT INTO process_runs (process, status, started_at, finished_at)
     VALUES ('kag_recompute', 'running', $1, NULL),
            ('weekly_report', 'ok', $2, $3)`,
    [ago((3 * 24 + 4) * 60), ago(7200), ago(7190)],
  );
  await pool.query(
    `INSERT INTO connector_sync_state (connector, last_status, last_synced_at, last_error)
     VALUES ('slack', 'ok', $1, NULL),
            ('gmail', 'failed', $2, 'token expired'),
            ('drive', 'ok', $3, NULL),
            ('notion', NULL, NULL, NULL)`,
    [ago(5), ago(10), ago(180)],
  );
}

// ---------------------------------------------------------------------------------------

describe("ops queries through the webhook", () => {
  const t = useTestApp(() => ({ env: { API_HEALTH_URL: apiUrl }, clock }));
  beforeAll(() => applyShape(t.pool, "reference"));
  beforeEach(async () => {
    t.fake.reset();
    await loadScenario(t.pool);
  });

  describe("/jobs", () => {
    it("lists every job, failed first with its error, then overdue, in HTML", async () => {
      const reply = await ask(t, "/jobs");

      expect(reply).toMatchObject({ chat_id: VIEWER.id, parse_mode: "HTML" });
      expect(reply.text).toContain("<b>Scheduled jobs</b> — 1 failed, 1 overdue, 4 total");
      const rows = tableRows(reply.text);
      expect(rows[0]).toMatch(/^❌\s+search_reindex\s+20m ago\s+in 5m$/);
      expect(rows[1]).toMatch(/^\s+↳ index photos missing$/);
      expect(rows[2]).toMatch(/^⏰\s+digest_email\s+1h 45m ago\s+45m ago$/);
      expect(rows.slice(3).join("\n")).toMatch(/✅\s+analytics_rollup/);
      expect(rows.slice(3).join("\n")).toMatch(/💤\s+cleanup_sessions\s+2d 2h ago\s+paused/);
      expect(rows).toHaveLength(5);
    });

    it("answers an operator too: operators are viewers", async () => {
      const reply = await ask(t, "/jobs", OPERATOR);
      expect(reply.text).toContain("search_reindex");
    });

    it("escapes a job_type with markup, and Telegram accepts the HTML as sent", async () => {
      await insertJobs(t.pool, [
        {
          job: "<script>&",
          lastStatus: "failed",
          lastRunAt: ago(3),
          nextRunAt: ago(3),
          lastError: "<b>boom</b> & more",
        },
      ]);

      const reply = await ask(t, "/jobs");
      expect(reply.parse_mode).toBe("HTML");
      expect(reply.text).toContain("&lt;script&gt;&amp;");
      expect(reply.text).toContain("↳ &lt;b&gt;boom&lt;/b&gt; &amp; more");
      expect(reply.text).not.toContain("<script>");
      expect(reply.text).not.toContain("<b>boom");
    });

    it("says so when scheduled_jobs is empty", async () => {
      await t.pool.query("TRUNCATE scheduled_jobs");
      expect((await ask(t, "/jobs")).text).toBe("No scheduled jobs found in scheduled_jobs.");
    });
  });

  describe("/stuck", () => {
    it("lists running worker and process runs past the default 30 min, oldest first, with age", async () => {
      const reply = await ask(t, "/stuck");

      expect(reply.parse_mode).toBe("HTML");
      expect(reply.text).toContain("<b>Stuck runs</b> — 2 running longer than 30m, oldest first");
      const rows = tableRows(reply.text);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatch(/^3d 4h\s+process\s+1\s+kag_recompute$/);
      expect(rows[1]).toMatch(/^2h 13m\s+worker\s+1\s+embeddings_refresh$/);
      for (const absent of ["thumbnail_backfill", "invoice_export", "weekly_report"]) {
        expect(reply.text).not.toContain(absent);
      }
      expect(reply.text).not.toContain("more</i>");
    });

    it("uses the threshold given: /stuck 5 includes a 10-minute run, /stuck 180 only older ones", async () => {
      await insertWorkerRuns(t.pool, [
        { job: "ten_minutes", status: "running", startedAt: ago(10) },
      ]);

      const five = await ask(t, "/stuck 5");
      expect(five.text).toContain("3 running longer than 5m");
      expect(tableRows(five.text).map((r) => r.split(/\s+/).at(-1))).toEqual([
        "kag_recompute",
        "embeddings_refresh",
        "ten_minutes",
      ]);

      const threeHours = await ask(t, "/stuck 180");
      expect(threeHours.text).toContain("1 running longer than 3h 0m");
      expect(tableRows(threeHours.text)).toHaveLength(1);
      expect(threeHours.text).toContain("kag_recompute");
      expect(threeHours.text).not.toContain("embeddings_refresh");
    });

    it.each(["1", "10080"])("accepts the boundary %s", async (minutes) => {
      const reply = await ask(t, `/stuck ${minutes}`);
      expect(reply.text).not.toBe(EN.t("stuck-usage"));
      if (minutes === "10080") {
        expect(reply.text).toBe("✅ No worker or process run has been running longer than 7d 0h.");
      } else {
        expect(tableRows(reply.text)).toHaveLength(3);
      }
    });

    it.each(["0", "10081", "abc", "1.5", "-3", "5 10", "1e3", "0x10"])(
      "answers /stuck %s with the one-line usage hint and runs no query",
      async (arg) => {
        const reply = await ask(t, `/stuck ${arg}`);
        expect(reply.text).toBe(EN.t("stuck-usage"));
        expect(reply.text).not.toContain("\n");
        expect(reply.text).not.toContain("kag_recompute");
      },
    );

    it("fits 500 stuck runs into one message under 4096 characters with the right +N more", async () => {
      await t.pool.query(`TRUNCATE worker_runs, process_runs RESTART IDENTITY`);
      await t.pool.query(
        `INSERT INTO worker_runs (job_type, status, started_at)
         SELECT format('job_%s', lpad(g::text, 3, '0')), 'running', $1::timestamptz - make_interval(mins => 30 + g)
           FROM generate_series(1, 500) AS g`,
        [NOW],
      );

      const reply = await ask(t, "/stuck");
      const rows = tableRows(reply.text);
      expect(reply.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(reply.text).toContain("500 running longer than 30m");
      expect(rows.length).toBeGreaterThan(0);
      expect(moreCount(reply.text)).toBe(500 - rows.length);
      expect(rows[0]).toMatch(/^8h 50m\s+worker\s+500\s+job_500$/);
    });

    it("still counts right when long names make even the fetched rows overflow the message", async () => {
      await t.pool.query(`TRUNCATE worker_runs, process_runs RESTART IDENTITY`);
      await t.pool.query(
        `INSERT INTO worker_runs (job_type, status, started_at)
         SELECT format('%s_%s', repeat('very_long_job_name_', 5), g), 'running',
                $1::timestamptz - make_interval(mins => 30 + g)
           FROM generate_series(1, 500) AS g`,
        [NOW],
      );

      const reply = await ask(t, "/stuck");
      const rows = tableRows(reply.text);
      expect(reply.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(reply.text).toContain("</pre>");
      expect(rows.length).toBeGreaterThan(0);
      expect(moreCount(reply.text)).toBe(500 - rows.length);
    });

    it("says nothing is stuck when nothing is", async () => {
      await t.pool.query(`TRUNCATE worker_runs, process_runs`);
      expect((await ask(t, "/stuck")).text).toBe(
        "✅ No worker or process run has been running longer than 30m.",
      );
    });
  });

  describe("/sync", () => {
    it("lists failed connectors first with their error, then stale and never-synced ones", async () => {
      const reply = await ask(t, "/sync");

      expect(reply.parse_mode).toBe("HTML");
      expect(reply.text).toContain("<b>Connector sync</b> — 1 failed, 2 stale, 4 total");
      const rows = tableRows(reply.text);
      expect(rows).toHaveLength(5);
      expect(rows[0]).toMatch(/^❌\s+gmail\s+failed\s+10m ago$/);
      expect(rows[1]).toMatch(/^\s+↳ token expired$/);
      expect(rows[2]).toMatch(/^⏰\s+drive\s+ok\s+3h 0m ago$/);
      expect(rows[3]).toMatch(/^⏰\s+notion\s+unknown\s+never$/);
      expect(rows[4]).toMatch(/^✅\s+slack\s+ok\s+5m ago$/);
    });
  });

  describe("/health", () => {
    const apiLine = (text: string) => text.split("\n").find((l) => l.includes("<b>API</b>"))!;
    const lineOf = (text: string, name: string) =>
      text.split("\n").find((l) => l.includes(`<b>${name}</b>`));

    it("shows a healthy API with its SSE, Redis view and other fields, and the other components", async () => {
      const reply = await ask(t, "/health");

      expect(reply.parse_mode).toBe("HTML");
      expect(reply.text.startsWith("<b>Health</b>\n")).toBe(true);
      const api = apiLine(reply.text);
      expect(api.startsWith("✅ <b>API</b>")).toBe(true);
      expect(api).toContain("status ok");
      expect(api).toContain('SSE {"clients":3}');
      expect(api).toContain("Redis (API view) ok");
      expect(api).toMatch(/\d+ ms/);
      expect(reply.text).toContain("uptime=12");
      expect(lineOf(reply.text, "PostgreSQL")).toMatch(
        /^✅ <b>PostgreSQL<\/b> ok · \d+ ms · connections \d+\/\d+$/,
      );
      expect(lineOf(reply.text, "Redis")).toBe("➖ <b>Redis</b> not configured");
      expect(lineOf(reply.text, "Bot")).toContain("vtest");
    });

    it("shows LabPics's real API healthy with SSE, Redis pub/sub and DB pool from its /metrics", async () => {
      apiMode = "labpics";
      const api = apiLine((await ask(t, "/health")).text);
      expect(api.startsWith("✅ <b>API</b> ok")).toBe(true);
      expect(api).toContain("SSE 7 connections");
      expect(api).toContain("Redis (API view) pub/sub 3 channels, 0 failed publishes");
      expect(api).toContain("DB pool 10 open, 8 idle, 1 waiting");
    });

    it("shows figures the API does not give as unknown, never as down", async () => {
      // The reference API has no /metrics (it answers JSON there): no pool figures.
      const api = apiLine((await ask(t, "/health")).text);
      expect(api.startsWith("✅ <b>API</b> ok")).toBe(true);
      expect(api).toContain("DB pool unknown");
    });

    it("shows the API down with HTTP 503 and what it answered", async () => {
      apiMode = "503";
      const reply = await ask(t, "/health");

      const api = apiLine(reply.text);
      expect(api.startsWith("❌ <b>API</b> down")).toBe(true);
      expect(api).toContain("HTTP 503");
      expect(reply.text).toContain('received: <code>{"status":"error","redis":"down"}</code>');
      expect(lineOf(reply.text, "PostgreSQL")?.startsWith("✅")).toBe(true);
    });

    it("shows the API down when it answers garbage, with the garbage escaped", async () => {
      apiMode = "garbage";
      const reply = await ask(t, "/health");

      const api = apiLine(reply.text);
      expect(api.startsWith("❌ <b>API</b> down")).toBe(true);
      expect(api).toContain("answered with something that is not JSON");
      expect(reply.text).toContain(
        "received: <code>&lt;html&gt;502 Bad Gateway&lt;/html&gt;</code>",
      );
    });

    // The API timeout (3 s by default) shortened: its own app.
    describe("past the API timeout", () => {
      const short = useTestApp(() => ({
        env: { API_HEALTH_URL: apiUrl },
        clock,
        apiTimeoutMs: 500,
      }));
      beforeAll(() => applyShape(short.pool, "reference"));

      it("shows the API down when it does not answer within the app's timeout", async () => {
        apiMode = "hang";
        const started = performance.now();
        const reply = await ask(short, "/health");

        expect(performance.now() - started).toBeLessThan(3_500);
        const api = apiLine(reply.text);
        expect(api.startsWith("❌ <b>API</b> down")).toBe(true);
        expect(api).toContain("no answer within 500 ms");
        expect(lineOf(reply.text, "PostgreSQL")?.startsWith("✅")).toBe(true);
      });
    });
  });

  describe("who may ask", () => {
    it.each(["/health", "/jobs", "/stuck", "/stuck 5", "/stuck abc", "/sync"])(
      "refuses %s to a stranger, naming /whoami, with no data",
      async (command) => {
        apiMode = "hang"; // a refusal must not wait on any check
        const reply = await ask(t, command, STRANGER);
        expect(reply.text).toBe(REFUSAL);
        expect(reply.text).toContain("/whoami");
      },
    );
  });

  describe("/start quick actions", () => {
    const QUICK = [
      { text: "Health", callback_data: "q:health" },
      { text: "Jobs", callback_data: "q:jobs" },
      { text: "Stuck", callback_data: "q:stuck" },
      { text: "Sync", callback_data: "q:sync" },
    ];
    const buttons = (reply: Sent) =>
      (asObject(reply.reply_markup).inline_keyboard as unknown[][]).flat();

    it("offers a viewer the Health, Jobs, Stuck and Sync buttons", async () => {
      const reply = await ask(t, "/start");
      expect(buttons(reply)).toEqual(QUICK);
    });

    it("offers a stranger no buttons", async () => {
      const reply = await ask(t, "/start", STRANGER);
      expect(reply.reply_markup).toBeUndefined();
    });

    it.each(["jobs", "stuck", "sync"])(
      "answers a viewer's q:%s press first, then sends exactly what the command sends",
      async (name) => {
        const command = await ask(t, `/${name}`);

        t.fake.reset();
        const res = await t.post(updates.callback(`q:${name}`, { from: VIEWER }));
        expect(res.status).toBe(200);
        expect(t.fake.calls.map((c) => c.method)).toEqual(["answerCallbackQuery", "sendMessage"]);
        const [answer, message] = t.fake.calls;
        expect(answer?.params.text).toBeUndefined();
        expect(message?.params).toMatchObject({
          chat_id: VIEWER.id,
          parse_mode: "HTML",
          text: command.text,
        });
      },
    );

    it("answers a viewer's q:health press with the health report", async () => {
      const res = await t.post(updates.callback("q:health", { from: VIEWER }));
      expect(res.status).toBe(200);
      expect(t.fake.calls.map((c) => c.method)).toEqual(["answerCallbackQuery", "sendMessage"]);
      expect(String(t.fake.calls[1]?.params.text)).toContain("✅ <b>API</b>");
    });

    it("refuses a stranger's press in the callback answer and sends no message", async () => {
      const res = await t.post(updates.callback("q:jobs", { from: STRANGER }));
      expect(res.status).toBe(200);
      expect(t.fake.calls.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
      expect(t.fake.calls[0]?.params).toMatchObject({ text: REFUSAL, show_alert: true });
    });

    // Bad callback data gets a clear error and changes nothing.
    it.each(["q:deploy", "q:", "garbage"])(
      "answers a press with unknown data %j with an error instead of leaving the spinner",
      async (data) => {
        const res = await t.post(updates.callback(data, { from: VIEWER }));
        expect(res.status).toBe(200);
        const answers = t.fake.callsTo("answerCallbackQuery");
        expect(answers).toHaveLength(1);
        expect(answers[0]?.params.text).toEqual(expect.any(String));
        expect(t.fake.callsTo("sendMessage")).toHaveLength(0);
      },
    );
  });

  // The pools' statement_timeout (5 s by default) shortened: its own app.
  describe("a statement timeout", () => {
    const short = useTestApp(() => ({
      env: { API_HEALTH_URL: apiUrl },
      clock,
      statementTimeoutMs: 1_000,
    }));
    beforeAll(async () => {
      await applyShape(short.pool, "reference");
      await loadScenario(short.pool);
    });

    it("answers /jobs with one line while scheduled_jobs is locked past the pool's statement_timeout", async () => {
      const locker = new pg.Client({ connectionString: short.database.connectionString });
      await locker.connect();
      try {
        await locker.query("BEGIN");
        await locker.query("LOCK TABLE scheduled_jobs IN ACCESS EXCLUSIVE MODE");

        const started = performance.now();
        const reply = await ask(short, "/jobs");
        expect(performance.now() - started).toBeLessThan(4_000);
        expect(reply.text).toBe(
          "❌ PostgreSQL unavailable: it did not answer in time. Try /health.",
        );
      } finally {
        await locker.query("ROLLBACK");
        await locker.end();
      }
      // The lock gone, the same command works again.
      expect((await ask(short, "/jobs")).text).toContain("search_reindex");
    });
  });
});

describe("with Redis down", () => {
  const t = useTestApp(async () => ({
    env: { API_HEALTH_URL: apiUrl },
    clock,
    redisUrl: `redis://127.0.0.1:${await closedPort()}`,
  }));
  beforeAll(async () => {
    await applyShape(t.pool, "reference");
    await loadScenario(t.pool);
  });

  it("/health shows Redis down and the API and PostgreSQL ok", async () => {
    const reply = await ask(t, "/health");
    const lines = reply.text.split("\n");
    expect(lines.find((l) => l.includes("<b>Redis</b>"))).toMatch(/^❌ <b>Redis<\/b> down/);
    expect(lines.find((l) => l.includes("<b>PostgreSQL</b>"))).toMatch(/^✅/);
    expect(lines.find((l) => l.includes("<b>API</b>"))).toMatch(/^✅/);
  });

  it("/jobs, /stuck and /sync answer as usual", async () => {
    expect((await ask(t, "/jobs")).text).toContain("1 failed, 1 overdue, 4 total");
    expect((await ask(t, "/stuck")).text).toContain("2 running longer than 30m");
    expect((await ask(t, "/sync")).text).toContain("1 failed, 2 stale, 4 total");
  });
});

const redisUrl = await testRedisUrl();

describe.skipIf(!redisUrl)("with Redis up", () => {
  const t = useTestApp(() => ({ env: { API_HEALTH_URL: apiUrl }, clock, redisUrl }));

  it("/health shows Redis ok with its latency and memory", async () => {
    const reply = await ask(t, "/health");
    const redis = reply.text.split("\n").find((l) => l.includes("<b>Redis</b>"));
    expect(redis).toMatch(/^✅ <b>Redis<\/b> ok · \d+ ms · memory \d+(\.\d)? (B|KB|MB|GB)$/);
  });
});

describe("with PostgreSQL unreachable", () => {
  // PostgreSQL is up at start (nothing is taken before the schema is migrated), then goes
  // away behind a proxy: the bot must keep answering.
  let database: TestDatabase;
  let proxy: TcpProxy;
  let poster: TestApp;
  let fake: FakeBotApi;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { hostname, port } = new URL(database.connectionString);
    proxy = await startTcpProxy({ host: hostname, port: Number(port) });
    poster = await buildTestApp({
      database,
      env: { DATABASE_URL: proxy.urlFor(database.connectionString), API_HEALTH_URL: apiUrl },
      clock,
    });
    fake = poster.fake;
    await proxy.cut("refuse");
    const refused = async () =>
      (await poster.pool.query("SELECT 1").then(
        () => "",
        (error: { code?: string }) => error.code,
      )) === "ECONNREFUSED";
    await eventually(refused, 5_000, "pool connections refused");
  });
  afterAll(async () => {
    await poster.close();
    await proxy.close();
    await database.drop();
  });

  it("/health shows PostgreSQL down and the API still ok", async () => {
    const reply = await ask(poster, "/health");
    const lines = reply.text.split("\n");
    expect(lines.find((l) => l.includes("<b>PostgreSQL</b>"))).toMatch(
      /^❌ <b>PostgreSQL<\/b> down · .*ECONNREFUSED/,
    );
    expect(lines.find((l) => l.includes("<b>API</b>"))).toMatch(/^✅/);
  });

  it.each(["/jobs", "/stuck", "/stuck 5", "/sync"])(
    "%s answers one line: PostgreSQL unavailable",
    async (command) => {
      const reply = await ask(poster, command);
      expect(reply.text).toBe("❌ PostgreSQL unavailable: it is unreachable. Try /health.");
    },
  );

  it("a quick-action press answers the press, then the same one line", async () => {
    const sent = await exchange(poster, updates.callback("q:sync", { from: VIEWER }));
    expect(fake.calls.map((c) => c.method)).toEqual(["answerCallbackQuery", "sendMessage"]);
    expect(sent[0]?.text).toMatch(/^❌ PostgreSQL unavailable/);
  });

  it("still refuses a stranger", async () => {
    expect((await ask(poster, "/jobs", STRANGER)).text).toBe(REFUSAL);
  });
});
