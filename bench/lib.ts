// Small helpers for the benchmark: processes, the bot as a process, stats, load.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import autocannon from "autocannon";
import type { FakeBotApi } from "../test/kit/fake-bot-api.js";

export interface Proc {
  child: ChildProcess;
  lines: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** A .ts script runs through tsx; a built .js file runs on plain node, as in production. */
export function startProcess(script: string, env: Record<string, string>): Proc {
  const args = script.endsWith(".ts") ? ["--import", "tsx", script] : [script];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let buffer = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts);
    for (const waiter of waiters) waiter();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    child,
    lines,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((l) => pattern.test(l));
          if (line === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(line);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `${script}: no ${String(pattern)} within ${timeoutMs} ms\n${lines.slice(-20).join("\n")}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    peakRssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    },
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      child.kill("SIGKILL");
    },
  };
}

/** Compiles src/ to dist/, so that the bot runs as in production: built, on plain node. */
export function buildBot(): Promise<void> {
  return new Promise((resolve, reject) => {
    const tsc = spawn("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
    tsc.on("error", reject);
    tsc.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`tsc -p tsconfig.build.json exited ${code}`)),
    );
  });
}

export const BENCH_TOKEN = "7000000001:AAHbenchTOKENvalueThatMustNeverBeLogged42";
// At least 16 characters, as the config requires of TELEGRAM_WEBHOOK_SECRET.
export const BENCH_SECRET = "bench_webhook_secret";
// As docker-compose deploys it: with Redis (update dedup there, not in PostgreSQL).
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/15";
// The bot runs with the Docker image's node options.
const PRODUCTION_NODE_OPTIONS =
  /^ENV NODE_OPTIONS="([^"]*)"/m.exec(readFileSync("Dockerfile", "utf8"))?.[1] ?? "";

// A random start, so that two benches running at once seldom pick the same ports.
let lastPort = 19_000 + Math.floor(Math.random() * 1000);
export const nextPort = () => lastPort++;

/** What the bot under bench talks to, and who may use it. */
export interface BotSetup {
  fake: FakeBotApi;
  databaseUrl: string;
  viewerIds: readonly number[];
}

function botEnv(setup: BotSetup, port: number, extra: Record<string, string>) {
  return {
    TELEGRAM_BOT_TOKEN: BENCH_TOKEN,
    TELEGRAM_API_ROOT: setup.fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: BENCH_SECRET,
    WEBHOOK_URL: "https://opsbot.bench/telegram/webhook",
    DATABASE_URL: setup.databaseUrl,
    HOST: "127.0.0.1",
    PORT: String(port),
    VIEWER_IDS: setup.viewerIds.join(","),
    API_HEALTH_URL: "http://127.0.0.1:9/health",
    // Far away unless a phase wants ticks.
    WATCH_CRON: "0 0 1 1 *",
    LOG_LEVEL: "warn",
    REDIS_URL: BENCH_REDIS_URL,
    NODE_OPTIONS: PRODUCTION_NODE_OPTIONS,
    ...extra,
  };
}

/**
 * The built bot (dist/main.js, see buildBot) in webhook mode as a real process; resolves
 * once it has set its webhook with the fake Bot API, whose recorded calls it clears.
 */
export async function startBot(
  setup: BotSetup,
  extra: Record<string, string> = {},
): Promise<{ bot: Proc; url: string }> {
  const port = nextPort();
  const bot = startProcess("dist/main.js", botEnv(setup, port, extra));
  setup.fake.reset();
  try {
    await setup.fake.waitForCall("setWebhook", undefined, 60_000);
  } catch (error) {
    await bot.stop();
    throw new Error(`the bot did not set its webhook\n${bot.lines.slice(-20).join("\n")}`, {
      cause: error,
    });
  }
  return { bot, url: `http://127.0.0.1:${port}/telegram/webhook` };
}

/** One command through the real webhook, timed until Telegram's 200. */
export async function timedCommand(
  url: string,
  user: number,
  text: string,
  updateId: number,
): Promise<number> {
  const body = JSON.stringify(webhookUpdate(updateId, user, text));
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-telegram-bot-api-secret-token": BENCH_SECRET,
    },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${text}: HTTP ${res.status}`);
  return performance.now() - started;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** The median of `repeat` in-process calls of `fn` after one warm-up call, logged and returned (ms). */
export async function timedMedian(
  what: string,
  repeat: number,
  fn: () => unknown,
): Promise<number> {
  await fn(); // warm: plans cached, pages in memory, code compiled
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  const result = median(times);
  console.log(`  ${what}: ${result.toFixed(1)} ms median of ${repeat}`);
  return result;
}

/** A private-chat command from `user`, as Telegram would post it. */
export function webhookUpdate(updateId: number, user: number, text: string) {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user, type: "private", first_name: "Bench" },
      from: { id: user, is_bot: false, first_name: "Bench" },
      text,
      entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }],
    },
  };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Requests answered 2xx: each one an update the bot accepted. */
  ok: number;
}

/** autocannon against a webhook, each request a fresh update from one of `chats` users. */
export async function loadWebhook(options: {
  url: string;
  secret: string;
  text: string;
  userIds: readonly number[];
  connections: number;
  durationSeconds: number;
  firstUpdateId: number;
  /** Requests per second over all connections; unset: as fast as it answers. */
  overallRate?: number;
}): Promise<LoadResult> {
  let updateId = options.firstUpdateId;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-telegram-bot-api-secret-token": options.secret,
    },
    requests: [
      {
        setupRequest: (request) => {
          const id = updateId++;
          const user = options.userIds[id % options.userIds.length]!;
          request.body = JSON.stringify(webhookUpdate(id, user, options.text));
          return request;
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    ok: result["2xx"],
    errors: result.errors,
  };
}

/**
 * An open-loop load at an even pace (one request every 1000/rate ms, up to `sockets`
 * keep-alive connections): latency as one update sees it, without the bursts a
 * connection-driven generator makes.
 */
export async function pacedLatency(options: {
  url: string;
  secret: string;
  text: string;
  userIds: readonly number[];
  rate: number;
  durationSeconds: number;
  firstUpdateId: number;
  sockets: number;
}): Promise<{ p50: number; p99: number; failed: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.sockets });
  const target = new URL(options.url);
  const latencies: number[] = [];
  let failed = 0;
  const send = (id: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify(
        webhookUpdate(id, options.userIds[id % options.userIds.length]!, options.text),
      );
      const started = performance.now();
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "x-telegram-bot-api-secret-token": options.secret,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) latencies.push(performance.now() - started);
            else failed++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  const total = options.rate * options.durationSeconds;
  const gapMs = 1000 / options.rate;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * gapMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(options.firstUpdateId + i));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed };
}

export interface BenchRow {
  figure: string;
  value: string;
  baseline: string;
  target: string;
  ok: boolean | undefined;
}

/** The results as a Markdown table; its header names the Node that ran them. */
export function benchTable(rows: readonly BenchRow[], nodeVersion: string): string {
  return [
    `| figure | opsbot on Node ${nodeVersion} | baseline (same run) | target | |`,
    "|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.figure} | ${r.value} | ${r.baseline} | ${r.target} | ${r.ok === undefined ? "" : r.ok ? "✅" : "❌"} |`,
    ),
  ].join("\n");
}
