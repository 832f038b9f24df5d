// The bot as a real process in webhook mode, for fault and scale-out tests: started on a
// port of its own choosing (read back from its log), driven through its real webhook, and
// always stopped — by SIGTERM, then SIGKILL if it overstays — whatever the test did.
import type { Update } from "grammy/types";
import { expect } from "vitest";
import { SECRET_HEADER } from "../../src/http/webhook.js";
import { TEST_SECRET, webhookEnv } from "./build-test-app.js";
import { spawnBot, type SpawnedBot } from "./spawn-bot.js";
import { eventually } from "./eventually.js";
import type { FakeBotApi } from "./fake-bot-api.js";
import { createUpdates, OPERATOR } from "./updates.js";

export interface BotProcess extends SpawnedBot {
  port: number;
  baseUrl: string;
  /** POSTs an update to the webhook with the right secret; bounded in time. */
  post(update: Update, timeoutMs?: number): Promise<Response>;
  /** GET /healthz: its status code and JSON body. */
  healthz(timeoutMs?: number): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The process's log lines (pino JSON on stdout), parsed. */
  logs(): LogEntry[];
  /** Every line of stdout and stderr, unparsed (for secret checks). */
  output(): string;
  /** SIGTERM, then waits; resolves with the exit and how long it took. */
  terminate(
    timeoutMs?: number,
  ): Promise<{ code: number | null; signal: string | null; ms: number }>;
}

export interface LogEntry {
  level: number;
  time: number;
  msg: string;
  [field: string]: unknown;
}

export { webhookEnv };

const live = new Set<BotProcess>();

function parseLogs(stdout: string): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      entries.push(JSON.parse(line) as LogEntry);
    } catch {
      // A line cut in the middle of a chunk: the next read has it whole.
    }
  }
  return entries;
}

/**
 * Spawns the bot and resolves once it listens, has registered its webhook and (unless
 * `waitForSchema` is false) has its schema ready.
 */
export async function startBotProcess(
  env: Record<string, string>,
  options: { waitForSchema?: boolean; timeoutMs?: number; command?: string[] } = {},
): Promise<BotProcess> {
  const spawned = spawnBot(env, { stdin: "ignore", command: options.command });
  let exitedEarly: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void spawned.exited.then((exit) => (exitedEarly = exit));
  const timeoutMs = options.timeoutMs ?? 45_000;
  const logs = () => parseLogs(spawned.stdout());

  const bot: BotProcess = {
    ...spawned,
    port: 0,
    baseUrl: "",
    logs,
    output: () => spawned.stdout() + spawned.stderr(),
    post: (update, ms = 15_000) =>
      fetch(`${bot.baseUrl}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", [SECRET_HEADER]: TEST_SECRET },
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(ms),
      }),
    async healthz(ms = 10_000) {
      const response = await fetch(`${bot.baseUrl}/healthz`, { signal: AbortSignal.timeout(ms) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async terminate(ms = 30_000) {
      const started = Date.now();
      if (exitedEarly === undefined) spawned.child.kill("SIGTERM");
      const timer = setTimeout(() => spawned.child.kill("SIGKILL"), ms);
      const exit = await spawned.exited.finally(() => clearTimeout(timer));
      live.delete(bot);
      return { ...exit, ms: Date.now() - started };
    },
  };
  live.add(bot);
  try {
    await spawned.waitFor(/"msg":"http server listening"/, timeoutMs);
    const listening = logs().find((e) => e.msg === "http server listening");
    bot.port = Number(listening?.port);
    bot.baseUrl = `http://127.0.0.1:${bot.port}`;
    await spawned.waitFor(/"msg":"webhook registered"/, timeoutMs);
    if (options.waitForSchema !== false) {
      await spawned.waitFor(/"msg":"database schema ready"/, timeoutMs);
    }
    await spawned.waitFor(/"msg":"watcher started"/, timeoutMs);
  } catch (error) {
    spawned.child.kill("SIGKILL");
    live.delete(bot);
    const exit = exitedEarly ? ` (exited: ${JSON.stringify(exitedEarly)})` : "";
    throw new Error(`bot did not start${exit}: ${(error as Error).message}`, { cause: error });
  }
  return bot;
}

/** Starts several at once (start-up is mostly waiting for tsx to compile). */
export function startBotProcesses(envs: Record<string, string>[]): Promise<BotProcess[]> {
  return Promise.all(envs.map((env) => startBotProcess(env)));
}

/** For afterAll: every bot still running is stopped (SIGKILL after a short grace). */
export async function stopAllBots(graceMs = 5_000): Promise<void> {
  await Promise.all([...live].map((bot) => bot.terminate(graceMs)));
}

/** Healthy (/healthz 200), then answers /whoami through its webhook: a smoke test's proof it serves. */
export async function expectServesWhoami(bot: BotProcess, fake: FakeBotApi): Promise<void> {
  await eventually(async () => (await bot.healthz()).status === 200, 30_000, "/healthz 200");
  const response = await bot.post(createUpdates().message("/whoami"));
  expect(response.status).toBe(200);
  const reply = await fake.waitForCall(
    "sendMessage",
    (c) => Number(c.params.chat_id) === OPERATOR.id,
    15_000,
  );
  expect(String(reply.params.text)).toContain(`user id: <code>${OPERATOR.id}</code>`);
}
