import { run, sequentialize, type RunnerHandle } from "@grammyjs/runner";
import type { UserFromGetMe } from "grammy/types";
import type { Redis } from "ioredis";
import { createBot, registerCommands } from "./bot/create-bot.js";
import {
  ALLOWED_UPDATES,
  setWebhook,
  withStartupRetry,
  type RetryOptions,
} from "./bot/telegram-setup.js";
import { createWatcher } from "./alerts/watcher.js";
import { countUndelivered, originChatIds, recordMigration } from "./alerts/outbox-store.js";
import { createTelegramNotifiers } from "./bot/alert-channel.js";
import { createOutboxApi, LONG_POLL_SECONDS } from "./bot/create-bot.js";
import { createActionReporter } from "./bot/action-reporter.js";
import { alertsFeature } from "./bot/features/alerts.js";
import { deployFeature } from "./bot/features/deploy.js";
import { rollbackFeature } from "./bot/features/rollback.js";
import { createExecutor } from "./executor/create-executor.js";
import { onCallFeature } from "./bot/features/on-call.js";
import { opsQueriesFeature } from "./bot/features/ops-queries.js";
import { createRunChartRenderer } from "./charts/run-durations.js";
import { createChecks, schemaFacts } from "./checks/create-checks.js";
import { createShapeSource } from "./checks/shape-source.js";
import { errorMessage, type ComponentCheck } from "./checks/status.js";
import type { Clock } from "./clock.js";
import { secretsOf, type Config } from "./config/parse-config.js";
import { selfPointingApiUrl, type SelfFacts } from "./config/self-pointing.js";
import { metricsUrlOf } from "./config/schema.js";
import { loadBlindChecks } from "./alerts/alert-store.js";
import { keepMigrating, type SchemaState } from "./db/keep-migrating.js";
import type { Pool } from "./db/pool.js";
import { createRetention } from "./db/retention.js";
import { createLayeredDedup, createPgDedup, createRedisDedup } from "./db/update-dedup.js";
import { loadFiringAlerts, storeAlerts } from "./alertmanager/am-store.js";
import { createTickKicker } from "./alertmanager/tick-kicker.js";
import { createAlertmanagerRoute } from "./http/alertmanager.js";
import { createHealthzRoute, createMetricsRoute } from "./http/healthz.js";
import { createMetrics } from "./metrics/metrics.js";
import { createHttpServer, type HttpServer, type Route } from "./http/server.js";
import { createWebhookHandler } from "./http/webhook.js";
import type { Logger } from "./log/create-logger.js";
import { createRedactor } from "./log/redact.js";

export interface AppDeps {
  config: Config;
  logger: Logger;
  pool: Pool;
  redis?: Redis;
  clock: Clock;
  version: string;
  /** Console mode answers Bot API calls itself. */
  botInfo?: UserFromGetMe;
  fetch?: typeof fetch;
  /** The HTTP client for the API health check (tests may aim it elsewhere). */
  apiFetch?: typeof fetch;
  apiTimeoutMs?: number;
  actionLeaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Where the bot runs, to warn when API_HEALTH_URL points back at it. */
  self?: Omit<SelfFacts, "port">;
  /** PATH and HOME that deploy scripts get (the rest of the environment never reaches them). */
  scriptEnv: { PATH: string; HOME: string };
}

export type App = ReturnType<typeof createApp>;

// A running deploy gets this long to finish on SIGTERM before it is stopped and marked.
const ACTION_SHUTDOWN_GRACE_MS = 15_000;

/** The wiring, apart from the process: tests build it, main.ts runs it. */
export function createApp(deps: AppDeps) {
  const { config, logger, pool, redis } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const startedAt = deps.clock.now();
  const metrics = createMetrics();
  const pgDedup = createPgDedup(pool);
  const dedup = redis ? createLayeredDedup(createRedisDedup(redis), pgDedup) : pgDedup;
  const shapes = createShapeSource(pool, logger);
  const checks = createChecks({
    pool,
    redis,
    clock: deps.clock,
    shapes,
    apiHealthUrl: config.API_HEALTH_URL,
    apiMetricsUrl: metricsUrlOf(config),
    overdueMinutes: config.JOB_OVERDUE_MINUTES,
    staleMinutes: config.SYNC_STALE_MINUTES,
    stuckMinutes: config.STUCK_AFTER_MINUTES,
    schedulerStallMinutes: config.SCHEDULER_STALL_MINUTES,
    projectIds: config.PROJECT_IDS,
    backupDir: config.BACKUP_DIR,
    botFacts: async () => ({
      version: deps.version,
      startedAt,
      ...(watcher.isRunning() ? { lastTickAt: await watcher.lastTickAt() } : {}),
      blindChecks: await loadBlindChecks(pool).catch(() => []),
    }),
    fetch: deps.apiFetch,
    ...(deps.apiTimeoutMs !== undefined ? { apiTimeoutMs: deps.apiTimeoutMs } : {}),
  });
  const redact = createRedactor(secretsOf(config));
  const telegram = {
    token: config.TELEGRAM_BOT_TOKEN ?? "0:console",
    apiRoot: config.TELEGRAM_API_ROOT,
    fetch: deps.fetch,
  };
  const alertApi = createOutboxApi({ ...telegram, logger, metrics, redact });
  const watcher = createWatcher({
    pool,
    redis,
    checks,
    notifierFor: createTelegramNotifiers(alertApi, deps.clock, logger, {
      runbookUrl: config.RUNBOOK_URL,
    }),
    clock: deps.clock,
    logger,
    metrics,
    sleep,
    cron: config.WATCH_CRON,
    downAfterChecks: config.DOWN_AFTER_CHECKS,
    repeatMinutes: config.ALERT_REPEAT_MINUTES,
    connectionsHighRatio: config.PG_CONNECTIONS_HIGH_PERCENT / 100,
    onCall: {
      longQueryMinutes: config.PG_LONG_QUERY_MINUTES,
      blockedMinutes: config.PG_BLOCKED_MINUTES,
      backupMaxAgeHours: config.BACKUP_MAX_AGE_HOURS,
    },
    // Alertmanager's firing alerts, as received by POST /alertmanager.
    sources: [{ source: "alertmanager", firing: () => loadFiringAlerts(pool) }],
    routing: {
      routes: config.ALERT_ROUTES,
      fallback: { chatId: config.ALERT_CHAT_ID, threadId: config.ALERT_THREAD_ID },
    },
    ...(config.HEARTBEAT_URL ? { heartbeatUrl: config.HEARTBEAT_URL } : {}),
    apiHeld: () => executor.inProgress(),
    onTick: async () => {
      await executor.reap();
      await retention.pruneIfDue();
    },
  });

  const retention = createRetention({
    pool,
    clock: deps.clock,
    logger,
    policy: { days: config.RETENTION_DAYS, auditDays: config.AUDIT_RETENTION_DAYS },
  });

  const executor = createExecutor({
    pool,
    clock: deps.clock,
    logger,
    sleep,
    // The bot is built below; the reporter reaches its Api when it first reports.
    reporter: createActionReporter(() => bot.api),
    redact,
    config: {
      deployScript: config.DEPLOY_SCRIPT,
      rollbackScript: config.ROLLBACK_SCRIPT,
      approval: config.APPROVAL,
      confirmTtlMs: config.CONFIRM_TTL_SECONDS * 1000,
      actionTimeoutMs: config.ACTION_TIMEOUT_SECONDS * 1000,
      progressEditMs: config.PROGRESS_EDIT_SECONDS * 1000,
      verifyMs: config.VERIFY_SECONDS * 1000,
      scriptEnv: deps.scriptEnv,
    },
    apiHealthy: async () => {
      const api = await checks.api();
      return { healthy: api.status === "ok", ...(api.error ? { detail: api.error } : {}) };
    },
    onOutcome: (kind, outcome) => metrics.actions.inc({ kind, outcome }),
    ...(deps.actionLeaseMs !== undefined ? { leaseMs: deps.actionLeaseMs } : {}),
  });
  const deployDeps = {
    executor,
    pool,
    clock: deps.clock,
    approval: config.APPROVAL,
    defaultRef: config.DEPLOY_DEFAULT_REF,
  };
  const bot = createBot({
    ...telegram,
    access: config,
    logger,
    metrics,
    dedup,
    chatMigrations: {
      record: (from, to) => recordMigration(pool, from, to),
      originsOf: (chatId) => originChatIds(pool, chatId),
    },
    botInfo: deps.botInfo,
    redact,
    first: sequentialize((ctx) => ctx.chat?.id.toString()),
    features: [
      // First: an active /rollback dialogue sees its person's updates before anyone else.
      rollbackFeature({
        ...deployDeps,
        access: config,
        choiceMs: config.CONFIRM_TTL_SECONDS * 1000,
      }),
      opsQueriesFeature({ checks, clock: deps.clock, stuckMinutes: config.STUCK_AFTER_MINUTES }),
      onCallFeature({
        checks,
        clock: deps.clock,
        backupMaxAgeHours: config.BACKUP_MAX_AGE_HOURS,
        charts: createRunChartRenderer(),
      }),
      alertsFeature({
        pool,
        clock: deps.clock,
        maxSilenceDays: config.SILENCE_MAX_DAYS,
        runbookUrl: config.RUNBOOK_URL,
      }),
      deployFeature(deployDeps),
    ],
  });

  let schema: SchemaState | undefined;
  let webhook: ComponentCheck = { status: "down", error: "not registered yet" };
  const listeners: HttpServer[] = [];
  let runner: RunnerHandle | undefined;
  // starting: /healthz 503 "starting", webhook 503; ready: serving; stopping: 503 again.
  let phase: "starting" | "ready" | "stopping" = "starting";
  // Updates are taken once the schema is migrated and the bot knows who it is.
  let accepting = false;
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  const retry: RetryOptions = { attempts: 5, maxDelayMs: 10_000, sleep };
  const stopRequested = () => phase === "stopping";
  const untilStopped: RetryOptions = { ...retry, attempts: Infinity, stop: stopRequested };

  const healthz = createHealthzRoute({
    phase: () => phase,
    checks: {
      postgres: checks.postgres,
      redis: checks.redis,
      ...(config.mode === "webhook" ? { webhook: () => Promise.resolve(webhook) } : {}),
    },
    facts: async () => ({
      version: deps.version,
      mode: config.mode,
      uptimeSeconds: Math.round((deps.clock.now().getTime() - startedAt.getTime()) / 1000),
      schemaReady: schema?.isReady() ?? false,
      // The LabPics tables as detected; null while PostgreSQL cannot be asked.
      schema: await shapes.get().then(schemaFacts, () => null),
      lastTickAt: await watcher.lastTickAt(),
      undeliveredAlerts: await countUndelivered(pool).catch(() => null),
    }),
  });
  const opsRoutes: Record<string, Route> = {
    "GET /healthz": healthz,
    "GET /metrics": createMetricsRoute(metrics),
  };
  const webhookRoutes: Record<string, Route> =
    config.mode === "webhook"
      ? {
          [`POST ${config.WEBHOOK_PATH}`]: createWebhookHandler({
            secret: config.TELEGRAM_WEBHOOK_SECRET,
            logger,
            metrics,
            handleUpdate: (update) => bot.handleUpdate(update),
            refusal: () => (accepting ? undefined : stopRequested() ? "shutting down" : "starting"),
          }),
        }
      : {};
  // Alertmanager's alerts are delivered by a tick started at once, not the next scheduled one.
  const kicker = createTickKicker({ tick: (key) => watcher.tick(key), logger });
  const alertmanagerRoutes: Record<string, Route> =
    config.ALERTMANAGER_TOKEN !== undefined
      ? {
          "POST /alertmanager": createAlertmanagerRoute({
            token: config.ALERTMANAGER_TOKEN,
            logger,
            metrics,
            refusal: () => (schema?.isReady() ? undefined : "starting"),
            store: (alerts) => storeAlerts(pool, alerts, deps.clock.now()),
            onStored: kicker.kick,
          }),
        }
      : {};

  /** HTTP first, so /healthz answers from the first second; /metrics may get its own port. */
  async function listen(): Promise<{ port?: number; metricsPort?: number }> {
    if (config.mode === "console") return {};
    const metricsPort = config.METRICS_PORT;
    const separate = metricsPort !== undefined;
    const bind = async (routes: Record<string, Route>, host: string, port: number) => {
      const server = createHttpServer(routes, logger);
      listeners.push(server);
      const bound = await server.listen(host, port);
      logger.info({ host, port: bound, routes: Object.keys(routes) }, "http server listening");
      return bound;
    };
    const receivers = { ...webhookRoutes, ...alertmanagerRoutes };
    const publicRoutes = separate ? receivers : { ...opsRoutes, ...receivers };
    const port =
      Object.keys(publicRoutes).length > 0
        ? await bind(publicRoutes, config.HOST, config.PORT)
        : undefined;
    return {
      port,
      metricsPort: separate
        ? await bind(opsRoutes, config.METRICS_HOST ?? "127.0.0.1", metricsPort)
        : undefined,
    };
  }

  /** Identity and schema, then the update source: nothing is taken before both. */
  async function becomeReady(migrated: SchemaState): Promise<void> {
    // Not bot.init(): grammY's own getMe retries are silent; ours log each attempt.
    if (!bot.isInited()) {
      bot.botInfo = await withStartupRetry("getMe", () => bot.api.getMe(), logger, untilStopped);
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
    await withStartupRetry("setMyCommands", () => registerCommands(bot), logger, retry).catch(
      (error: unknown) => logger.error({ err: error }, "could not register the command list"),
    );
    if (config.mode === "webhook") {
      // Not fatal (another replica may have registered it), but never silent: /healthz says so.
      webhook = await setWebhook(bot, config.WEBHOOK_URL, config.TELEGRAM_WEBHOOK_SECRET, logger, {
        ...retry,
        stop: stopRequested,
      })
        .then((): ComponentCheck => ({ status: "ok" }))
        .catch((error: unknown): ComponentCheck => {
          logger.error({ err: error }, "could not register the webhook");
          return { status: "down", error: `setWebhook failed: ${errorMessage(error)}` };
        });
    } else if (config.mode === "polling") {
      // Polling cannot work while a webhook is set: keep trying, as for getMe.
      await withStartupRetry("deleteWebhook", () => bot.api.deleteWebhook(), logger, untilStopped);
      if (stopRequested()) return;
      runner = run(bot, {
        runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES], timeout: LONG_POLL_SECONDS } },
      });
      logger.info("long polling started");
    }
    if (!stopRequested()) phase = "ready";
  }

  return {
    bot,
    metrics,
    watcher,
    executor,
    /** Settles once the opsbot schema is migrated (tests wait on it). */
    schemaReady: () => schema?.ready ?? Promise.resolve(),
    /** Settles once updates are taken (or start-up was stopped); tests wait on it. */
    ready: () => starting ?? Promise.resolve(),
    /**
     * Listens at once (/healthz says "starting"), then in the background: schema and bot
     * identity, then the webhook or the poller. Resolves when HTTP is up.
     */
    async start(): Promise<{ port?: number; metricsPort?: number }> {
      const ports = await listen();
      // The console demo has no API by design; a service pointed at itself must hear of it.
      const selfPointing =
        config.mode !== "console" &&
        deps.self &&
        selfPointingApiUrl(config.API_HEALTH_URL, { ...deps.self, port: ports.port });
      if (selfPointing) logger.warn(selfPointing);
      const migrated = keepMigrating(pool, logger);
      schema = migrated;
      watcher.start();
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
        if (runner?.isRunning()) await runner.stop();
        kicker.stop();
        // Both within the grace period, side by side: a running deploy and the tick in flight.
        await Promise.all([executor.stop(ACTION_SHUTDOWN_GRACE_MS), watcher.stop()]);
        await Promise.all(listeners.map((server) => server.close()));
        await schema?.ready;
      })();
      return stopping;
    },
  };
}
