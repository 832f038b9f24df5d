// The real app, wired as in production, over this machine's PostgreSQL (and Redis when
// asked), talking to a fake Bot API and driven through its real webhook endpoint.
import type { Update } from "grammy/types";
import { beforeAll } from "vitest";
import { createApp, type App, type AppDeps } from "../../src/app.js";
import { systemClock, type Clock } from "../../src/clock.js";
import { parseConfig, secretsOf, type Config } from "../../src/config/parse-config.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { createCatalogue, type Catalogue } from "../../src/i18n/catalogue.js";
import { createRedis } from "../../src/db/redis.js";
import { SECRET_HEADER } from "../../src/http/webhook.js";
import { createLogger } from "../../src/log/create-logger.js";
import { startFakeBotApi, type FakeBotApi } from "./fake-bot-api.js";
import { captureLogs } from "./log-capture.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";
import { OPERATOR, SECOND_OPERATOR, VIEWER } from "./updates.js";

export const TEST_TOKEN = "7000000001:AAHtestTOKENvalueThatMustNeverBeLogged42";
export const TEST_SECRET = "webhook_Secret-0123456789";

/** What main.ts hands deploy scripts: the test process's own PATH and HOME. */
export const SCRIPT_ENV = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/" };

// Parsed once per worker, not per app (what it holds never changes).
let catalogue: Catalogue | undefined;

export interface TestAppOptions {
  /** Overrides of the environment (the documented variable names). */
  env?: Record<string, string>;
  /** Reuse one database across apps (replicas, restarts); created and dropped otherwise. */
  database?: TestDatabase;
  /** Share a fake Bot API between apps. */
  fake?: FakeBotApi;
  redisUrl?: string | null;
  clock?: Clock;
  /** Where the bot "runs" (container or not, host name), as main.ts would find it. */
  self?: AppDeps["self"];
  /** The app's waits between start-up retries (default: real time). */
  sleep?: (ms: number) => Promise<void>;
  /** false: return as soon as HTTP listens, before the schema and the webhook are ready. */
  waitReady?: boolean;
  /** "loop": the probe loop runs on its own timer; by default rounds are run by hand. */
  probes?: "by-hand" | "loop";
  /** The API health check's timeout (3 s by default), for a test waiting it out. */
  apiTimeoutMs?: number;
  /** The pools' statement_timeout (5 s by default), for a test waiting it out. */
  statementTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL to a deploy script's group (5 s by default). */
  actionGraceMs?: number;
}

export interface TestApp {
  app: App;
  config: Config;
  fake: FakeBotApi;
  pool: Pool;
  database: TestDatabase;
  logs: ReturnType<typeof captureLogs>;
  baseUrl: string;
  /** The METRICS_PORT listener's base URL, when METRICS_PORT is set. */
  metricsUrl?: string;
  /** POSTs an update to the webhook with the right secret (or the given headers). */
  post(update: Update | string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * No test database: DATABASE_URL comes from `env` (a closed port, say), each connection
 * attempt fails fast; pair it with waitReady: false when nothing answers there.
 */
export type NoDatabaseOptions = Omit<TestAppOptions, "database"> & { database: false };
export type TestAppWithoutDatabase = Omit<TestApp, "database">;

export async function buildTestApp(options: NoDatabaseOptions): Promise<TestAppWithoutDatabase>;
export async function buildTestApp(options?: TestAppOptions): Promise<TestApp>;
export async function buildTestApp(
  options: TestAppOptions | NoDatabaseOptions = {},
): Promise<TestApp | TestAppWithoutDatabase> {
  const fake = options.fake ?? (await startFakeBotApi());
  // The app migrates it at start; one already migrated saves that (test/kit/database-recycling.ts).
  const database =
    options.database === false
      ? undefined
      : (options.database ?? (await createTestDatabase({ migrated: true })));
  const config = parseConfig(
    webhookEnv(fake, {
      ...(database ? { DATABASE_URL: database.connectionString } : {}),
      LOG_LEVEL: "debug",
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...options.env,
    }),
  );

  const logs = captureLogs();
  const logger = createLogger({
    level: config.LOG_LEVEL,
    secrets: secretsOf(config),
    destination: logs.destination,
  });
  if (config.DATABASE_URL === undefined)
    throw new Error("database: false needs DATABASE_URL in env");
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: database?.embedded ? 1 : 5,
    statementTimeoutMs: options.statementTimeoutMs,
    // Without a test database the URL may lead nowhere: fail each attempt fast.
    ...(database ? {} : { connectTimeoutMs: 1_000 }),
  });
  // As in production: the watcher and the executor on connections of their own.
  const reservedPool = database?.embedded
    ? undefined
    : createPool({
        connectionString: config.DATABASE_URL,
        max: 3,
        applicationName: "opsbot-watcher",
        statementTimeoutMs: options.statementTimeoutMs,
        ...(database ? {} : { connectTimeoutMs: 1_000 }),
      });
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, logger) : undefined;
  const app = createApp({
    config,
    logger,
    pool,
    ...(reservedPool ? { reservedPool } : {}),
    redis,
    clock: options.clock ?? systemClock,
    version: "test",
    catalogue: (catalogue ??= createCatalogue()),
    scriptEnv: SCRIPT_ENV,
    ...(options.self ? { self: options.self } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    probeByHand: options.probes !== "loop",
    apiTimeoutMs: options.apiTimeoutMs,
    actionGraceMs: options.actionGraceMs,
    // Tests wait for the tick an Alertmanager batch starts; the delay that lets batches
    // share one is test/alertmanager/tick-kicker.test.ts's.
    alertmanagerTickDelayMs: 10,
  });
  const { port, metricsPort } = await app.start();
  if (options.waitReady !== false) await app.ready();
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    app,
    config,
    fake,
    pool,
    ...(database ? { database } : {}),
    logs,
    baseUrl,
    ...(metricsPort !== undefined ? { metricsUrl: `http://127.0.0.1:${metricsPort}` } : {}),
    post: (update, headers = { [SECRET_HEADER]: TEST_SECRET }) =>
      fetch(`${baseUrl}${config.WEBHOOK_PATH}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof update === "string" ? update : JSON.stringify(update),
      }),
    async close() {
      await app.stop();
      redis?.disconnect();
      await pool.end();
      await reservedPool?.end();
      if (!options.fake) await fake.close();
      if (options.database === undefined) await database?.drop();
    },
  };
}

/**
 * The app for the tests of a describe block (or a file): built before them, closed after
 * them. Its fields are read through the returned object once built (in tests and later
 * hooks); `options` may be a function, called then, for values an earlier hook prepares.
 */
export function useTestApp(
  options: TestAppOptions | (() => TestAppOptions | Promise<TestAppOptions>) = {},
): TestApp {
  let built: TestApp | undefined;
  beforeAll(async () => {
    built = await buildTestApp(typeof options === "function" ? await options() : options);
    return () => built?.close();
  });
  return new Proxy({} as TestApp, {
    get(_target, key) {
      if (built === undefined) throw new Error("useTestApp: the app exists once beforeAll ran");
      return Reflect.get(built, key) as unknown;
    },
  });
}

/** The environment of a bot in webhook mode talking to `fake` (overridable). */
export function webhookEnv(
  fake: Pick<FakeBotApi, "apiRoot">,
  env: Record<string, string>,
): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: TEST_SECRET,
    WEBHOOK_URL: "https://opsbot.test/telegram/webhook",
    HOST: "127.0.0.1",
    PORT: "0",
    OPERATOR_IDS: `${OPERATOR.id},${SECOND_OPERATOR.id}`,
    VIEWER_IDS: String(VIEWER.id),
    LOG_LEVEL: "info",
    ...env,
  };
}
