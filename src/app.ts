/**
 * The app: its parts (src/wiring.ts), the transport of its mode (src/transports/), its HTTP
 * routes, and the order in which they start and stop. Tests build it, main.ts runs it.
 */
import { countUndelivered } from "./alerts/outbox-store.js";
import { createTickKicker } from "./alertmanager/tick-kicker.js";
import { storeBatch } from "./alertmanager/watchdog.js";
import { registerCommands } from "./bot/create-bot.js";
import { withStartupRetry, type RetryOptions } from "./bot/telegram-setup.js";
import { schemaFacts } from "./checks/create-checks.js";
import type { Config } from "./config/parse-config.js";
import { selfPointingApiUrl } from "./config/self-pointing.js";
import { keepMigrating, type SchemaState } from "./db/keep-migrating.js";
import { createAlertmanagerRoute } from "./http/alertmanager.js";
import { createHealthzRoute, createMetricsRoute } from "./http/healthz.js";
import { createListeners } from "./http/listeners.js";
import type { RouteHandler } from "./http/server.js";
import { createConsoleTransport } from "./transports/console.js";
import { createPollingTransport } from "./transports/polling.js";
import type { Transport, TransportDeps } from "./transports/transport.js";
import { createWebhookTransport } from "./transports/webhook.js";
import { wire, type AppDeps } from "./wiring.js";

export type { AppDeps } from "./wiring.js";
export type App = ReturnType<typeof createApp>;

// A running deploy gets this long to finish on SIGTERM before it is stopped and marked.
const ACTION_SHUTDOWN_GRACE_MS = 15_000;

type Phase = "starting" | "ready" | "stopping";

export function createApp(deps: AppDeps) {
  const { config, logger, pool, clock } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let schema: SchemaState | undefined;
  const {
    bot,
    metrics,
    watcher,
    executor,
    shapes,
    checks,
    startedAt,
    paging,
    languages,
    reportSchedule,
  } = wire({
    ...deps,
    sleep,
    schemaReady: () => schema?.isReady() ?? false,
  });

  // starting: /healthz 503 "starting", webhook 503; ready: serving; stopping: 503 again.
  let phase: Phase = "starting";
  // Updates are taken once the schema is migrated and the bot knows who it is.
  let accepting = false;
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  const retry: RetryOptions = { attempts: 5, maxDelayMs: 10_000, sleep };
  const stopRequested = () => phase === "stopping";
  const transport = createTransport(config, {
    bot,
    logger,
    metrics,
    retry,
    stopRequested,
    refusal: () => (accepting ? undefined : stopRequested() ? "shutting down" : "starting"),
  });

  const opsRoutes: Record<string, RouteHandler> = {
    "GET /healthz": createHealthzRoute({
      phase: () => phase,
      checks: { postgres: checks.postgres, redis: checks.redis, ...transport.health },
      tickStale: () => watcher.tickStale(),
      facts: async () => ({
        version: deps.version,
        mode: config.mode,
        uptimeSeconds: Math.round((clock.now().getTime() - startedAt.getTime()) / 1000),
        schemaReady: schema?.isReady() ?? false,
        // The LabPics tables as detected; null while PostgreSQL cannot be asked.
        schema: await shapes.get().then(schemaFacts, () => null),
        lastTickAt: await watcher.lastTickAt(),
        undeliveredAlerts: await countUndelivered(pool).catch(() => null),
      }),
    }),
    "GET /metrics": createMetricsRoute(metrics),
  };
  // Alertmanager's alerts are delivered by a tick started at once, not the next scheduled one.
  const kicker = createTickKicker({
    tick: (key) => watcher.tick(key, "sources"),
    logger,
    delayMs: deps.alertmanagerTickDelayMs,
  });
  const alertmanagerRoutes: Record<string, RouteHandler> =
    config.ALERTMANAGER_TOKEN !== undefined
      ? {
          "POST /alertmanager": createAlertmanagerRoute({
            token: config.ALERTMANAGER_TOKEN,
            logger,
            metrics,
            maxAlerts: config.ALERTMANAGER_MAX_ALERTS,
            maxFiring: config.ALERTMANAGER_MAX_FIRING,
            now: () => clock.now(),
            refusal: () => (schema?.isReady() ? undefined : "starting"),
            store: (alerts) =>
              storeBatch(pool, alerts, clock.now(), {
                watchdogName: config.WATCHDOG_ALERTNAME,
                maxFiring: config.ALERTMANAGER_MAX_FIRING,
              }),
            onStored: kicker.kick,
          }),
        }
      : {};
  const listeners = createListeners(logger);

  /** HTTP first, so /healthz answers from the first second; /metrics may get its own port. */
  async function listen(): Promise<{ port?: number; metricsPort?: number }> {
    if (!transport.listens) return {};
    const metricsPort = config.METRICS_PORT;
    const separate = metricsPort !== undefined;
    const receivers = { ...transport.routes, ...alertmanagerRoutes };
    const publicRoutes = separate ? receivers : { ...opsRoutes, ...receivers };
    const port =
      Object.keys(publicRoutes).length > 0
        ? await listeners.bind(publicRoutes, config.HOST, config.PORT)
        : undefined;
    return {
      port,
      metricsPort: separate
        ? await listeners.bind(opsRoutes, config.METRICS_HOST ?? "127.0.0.1", metricsPort)
        : undefined,
    };
  }

  /** Identity and schema, then the transport: no update is taken before both. */
  async function becomeReady(migrated: SchemaState): Promise<void> {
    // Not bot.init(): grammY's own getMe retries are silent; ours log each attempt.
    if (!bot.isInited()) {
      bot.botInfo = await withStartupRetry("getMe", () => bot.api.getMe(), logger, {
        ...retry,
        attempts: Infinity,
        stop: stopRequested,
      });
    }
    await migrated.ready;
    if (stopRequested() || !migrated.isReady()) return;
    // Detected (mismatches logged as warnings) before any update is taken; again after an outage.
    await shapes.get().catch(() => undefined);
    // Actions left running by a process that died: interrupted and reported, not re-run.
    void executor
      .reap()
      .catch((error: unknown) =>
        logger.warn({ err: error }, "could not check for interrupted actions"),
      );
    accepting = true;
    await withStartupRetry(
      "setMyCommands",
      () => registerCommands(bot, languages),
      logger,
      retry,
    ).catch((error: unknown) =>
      logger.error({ err: error }, "could not register the command list"),
    );
    await transport.start();
    if (!stopRequested()) phase = "ready";
  }

  return {
    bot,
    metrics,
    watcher,
    executor,
    /** Handovers and escalation steps; none without ONCALL_ROTA. */
    paging,
    /** The weekly report; none without REPORT_CRON and ALERT_CHAT_ID. */
    reportSchedule,
    /** Settles once the opsbot schema is migrated (tests wait on it). */
    schemaReady: () => schema?.ready ?? Promise.resolve(),
    /** Settles once updates are taken (or start-up was stopped); tests wait on it. */
    ready: () => starting ?? Promise.resolve(),
    /**
     * Listens at once (/healthz says "starting"), then in the background: schema and bot
     * identity, then the transport. Resolves when HTTP is up.
     */
    async start(): Promise<{ port?: number; metricsPort?: number }> {
      const ports = await listen();
      // The console demo has no API by design; a service pointed at itself must hear of it.
      const selfPointing =
        transport.listens &&
        deps.self &&
        selfPointingApiUrl(config.API_HEALTH_URL, { ...deps.self, port: ports.port });
      if (selfPointing) logger.warn(selfPointing);
      const migrated = keepMigrating(pool, logger);
      schema = migrated;
      watcher.start();
      paging?.start();
      reportSchedule?.start();
      starting = becomeReady(migrated).catch((error: unknown) => {
        logger.error({ err: error }, "start-up failed");
      });
      return ports;
    },
    /** Once, in reverse order of start. */
    stop(): Promise<void> {
      stopping ??= (async () => {
        phase = "stopping";
        accepting = false;
        schema?.stop();
        await transport.stop();
        kicker.stop();
        // Both within the grace period, side by side: a running deploy and the tick in flight.
        await Promise.all([
          executor.stop(ACTION_SHUTDOWN_GRACE_MS),
          watcher.stop(),
          paging?.stop(),
          reportSchedule?.stop(),
        ]);
        await listeners.close();
        await schema?.ready;
      })();
      return stopping;
    },
  };
}

/** How updates arrive in this mode. */
function createTransport(config: Config, deps: TransportDeps): Transport {
  switch (config.mode) {
    case "webhook":
      return createWebhookTransport(deps, {
        path: config.WEBHOOK_PATH,
        url: config.WEBHOOK_URL,
        secret: config.TELEGRAM_WEBHOOK_SECRET,
      });
    case "polling":
      return createPollingTransport(deps);
    case "console":
      return createConsoleTransport();
  }
}
