/**
 * The process: read the environment once, create the resources, pick the mode, handle
 * signals. Everything else is in app.ts (start and stop order), wiring.ts (the parts) and
 * transports/ (how updates arrive); the sentinel (OPSBOT_MODE=sentinel) is src/sentinel/.
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { systemClock } from "./clock.js";
import { ConfigError, parseConfig, secretsOf } from "./config/parse-config.js";
import { opsbotModeOf, parseSentinelConfig } from "./config/parse-sentinel-config.js";
import type { EmbeddedPostgres } from "./db/embedded-postgres.js";
import { createCatalogue } from "./i18n/catalogue.js";
import { createLogger, type Logger } from "./log/create-logger.js";
import { createRedactor } from "./log/redact.js";

const SHUTDOWN_DEADLINE_MS = 25_000;

async function main(): Promise<void> {
  const mode = configOrExit(() => opsbotModeOf(process.env));
  if (mode === "sentinel") await runSentinel();
  else await runBot();
}

/** The configuration, or one line on stderr and exit 1. */
function configOrExit<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** The sentinel: no database, no Redis, no commands (pg is never even loaded). */
async function runSentinel(): Promise<void> {
  const config = configOrExit(() => parseSentinelConfig(process.env));
  const logger = createLogger({
    level: config.LOG_LEVEL,
    secrets: secretsOf(config),
    pretty: process.stdout.isTTY && isInstalled("pino-pretty"),
  });
  const { wireSentinel } = await import("./sentinel/wire-sentinel.js");
  const sentinel = wireSentinel(config, { logger, clock: systemClock });
  onShutdownSignals(logger, () => sentinel.stop());
  await sentinel.start();
}

async function runBot(): Promise<void> {
  const config = configOrExit(() => parseConfig(process.env));
  const version = (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;
  const consoleMode = config.mode === "console";
  const logger = createLogger({
    // The console chat owns the terminal: logs stay quiet unless asked for.
    level: consoleMode && process.env.LOG_LEVEL === undefined ? "warn" : config.LOG_LEVEL,
    secrets: secretsOf(config),
    pretty: process.stdout.isTTY && isInstalled("pino-pretty"),
  });

  let embedded: EmbeddedPostgres | undefined;
  let connectionString = config.DATABASE_URL;
  // Loaded only when used: the embedded database, Redis and the console are sizeable.
  if (connectionString === undefined) {
    const { startEmbeddedPostgres } = await import("./db/embedded-postgres.js").catch(
      (error: unknown) => {
        if (!isModuleNotFound(error)) throw error;
        throw new Error(
          "DATABASE_URL is not set and the embedded demo database is not installed here " +
            "(a production install has no dev dependencies): set DATABASE_URL, or try the " +
            "console demo from a checkout with `npm install && npm start`",
        );
      },
    );
    embedded = await startEmbeddedPostgres();
    connectionString = embedded.connectionString;
  }
  // Loaded here, not at the top: the sentinel's process never loads pg.
  const [{ createApp }, { createPool }] = await Promise.all([
    import("./app.js"),
    import("./db/pool.js"),
  ]);
  // The embedded database is a single backend: one connection at a time, shared by all.
  const pool = createPool({ connectionString, max: embedded ? 1 : 7 });
  const reservedPool = embedded
    ? undefined
    : createPool({ connectionString, max: 3, applicationName: "opsbot-watcher" });
  const redis = config.REDIS_URL
    ? (await import("./db/redis.js")).createRedis(config.REDIS_URL, logger)
    : undefined;
  const catalogue = createCatalogue();
  const terminal = consoleMode ? await import("./console/run-console.js") : undefined;
  const session = terminal?.createConsoleSession(
    { input: process.stdin, output: process.stdout },
    systemClock,
    catalogue.translator(config.BOT_LOCALE),
  );
  const app = createApp({
    config: session ? session.config(config) : config,
    logger,
    pool,
    ...(reservedPool ? { reservedPool } : {}),
    redis,
    clock: systemClock,
    version,
    catalogue,
    // Docker and Podman leave these marker files in every container.
    self: {
      inContainer: existsSync("/.dockerenv") || existsSync("/run/.containerenv"),
      hostname: hostname(),
    },
    scriptEnv: {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: process.env.HOME ?? "/",
    },
    ...session?.appDeps,
  });

  const shutdown = onShutdownSignals(logger, async () => {
    await app.stop();
    redis?.disconnect();
    await pool.end();
    await reservedPool?.end();
    await embedded?.close();
  });

  if (terminal && session) {
    await terminal.runConsole(session, app, {
      pool,
      clock: systemClock,
      demo: embedded !== undefined,
    });
    shutdown("end of input");
  } else {
    await app.start();
  }
}

/** SIGTERM and SIGINT close the resources once, within a deadline; returns the shutdown. */
function onShutdownSignals(logger: Logger, closeResources: () => Promise<void>) {
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error("shutdown deadline passed; exiting");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    closeResources().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  return shutdown;
}

// The console demo's embedded database and pretty terminal logs are dev dependencies,
// absent from the image and from any `npm ci --omit=dev` install.
const isModuleNotFound = (error: unknown) =>
  (error as NodeJS.ErrnoException | undefined)?.code === "ERR_MODULE_NOT_FOUND";

function isInstalled(specifier: string): boolean {
  try {
    import.meta.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

main().catch((error: unknown) => {
  // Whatever failed may quote a connection string: redacted like every log line.
  let redact = (text: string) => text;
  try {
    const env = process.env;
    redact = createRedactor(
      secretsOf(opsbotModeOf(env) === "sentinel" ? parseSentinelConfig(env) : parseConfig(env)),
    );
  } catch {
    // The configuration itself was the problem, and has been reported.
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`opsbot failed to start: ${redact(message)}\n`);
  process.exit(1);
});
