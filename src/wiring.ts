/**
 * What exists, built in dependency order: checks, executor, bot, watcher. How updates
 * arrive is src/transports/; when things start and stop is src/app.ts.
 */
import { sequentialize } from "@grammyjs/runner";
import type { Api } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Redis } from "ioredis";
import { createAlertsDesk, type AlertsDesk } from "./alerts/alerts-desk.js";
import { originChatIds, recordMigration } from "./alerts/outbox-store.js";
import { createHeartbeatPoster, heartbeatOf } from "./alerts/sentinel-heartbeat.js";
import type { PathStatus } from "./alerts/paging-path.js";
import { watchIntervalMs } from "./alerts/watch-interval.js";
import { createWatcher, type Watcher } from "./alerts/watcher.js";
import { createWebhookSource } from "./alerts/webhook-info.js";
import { loadFiringAlerts } from "./alertmanager/am-store.js";
import { watchdogAlerts, type WatchdogOptions } from "./alertmanager/watchdog.js";
import { createActionReporter } from "./bot/action-reporter.js";
import { createCallRecorder, type CallRecorder } from "./bot/api-guards.js";
import { createTelegramNotifiers } from "./bot/alert-channel.js";
import { createBot, createOutboxApi } from "./bot/create-bot.js";
import { readWebhookInfo } from "./bot/telegram-setup.js";
import { alertsFeature } from "./bot/features/alerts.js";
import { deployFeature } from "./bot/features/deploy.js";
import { diagnosticsFeature } from "./bot/features/diagnostics.js";
import { incidentsFeature } from "./bot/features/incidents.js";
import { oncallRotaFeature } from "./bot/features/oncall-rota.js";
import { opsQueriesFeature } from "./bot/features/ops-queries.js";
import { createOnCallPager } from "./bot/oncall-pager.js";
import { reportsFeature } from "./bot/features/reports.js";
import { rollbackFeature } from "./bot/features/rollback.js";
import { sendReport } from "./bot/report-sender.js";
import { loadChartsOnDemand, type Charts } from "./charts/on-demand.js";
import { readBotFacts } from "./checks/bot-facts.js";
import { createChecks, type Checks } from "./checks/create-checks.js";
import { createHeavyQueries } from "./checks/heavy-queries.js";
import { createIntegrityReader, type IntegrityReader } from "./checks/listings/backup-integrity.js";
import { createShapeSource, type ShapeSource } from "./checks/shape-source.js";
import type { Clock } from "./clock.js";
import { secretsOf, type Config } from "./config/parse-config.js";
import { metricsUrlOf } from "./config/schema.js";
import type { SelfFacts } from "./config/self-pointing.js";
import type { Pool } from "./db/pool.js";
import { createConversationStorage } from "./db/conversation-storage.js";
import { createLanguageChoices } from "./db/language-choices.js";
import { createRetention } from "./db/retention.js";
import { createLayeredDedup, createPgDedup, createRedisDedup } from "./db/update-dedup.js";
import { createExecutor, type Executor } from "./executor/create-executor.js";
import { ORIGIN_DEFAULT_BRANCH } from "./executor/ref.js";
import { createIncidentsDesk, type IncidentsDesk } from "./incidents/incidents-desk.js";
import { lateBound } from "./late-bound.js";
import type { Logger } from "./log/create-logger.js";
import type { Catalogue } from "./i18n/catalogue.js";
import { createLanguages, type Languages } from "./i18n/languages.js";
import { createRedactor, type Redactor } from "./log/redact.js";
import { createMetrics, type Metrics } from "./metrics/metrics.js";
import { createEscalation } from "./oncall/escalation.js";
import { createOnCallDesk, type OnCallDesk } from "./oncall/oncall-desk.js";
import { createPagingLoop } from "./oncall/paging-loop.js";
import { buildReport, type ReportDeps } from "./reports/build-report.js";
import { refreshEpisodes } from "./reports/episodes.js";
import { createReportSchedule, type ReportSchedule } from "./reports/report-schedule.js";

export interface AppDeps {
  config: Config;
  logger: Logger;
  pool: Pool;
  /**
   * Connections of the watcher and the executor alone, so no flood of commands can starve
   * a tick or a running action's lease. Without it (embedded PGlite serves one connection)
   * they share `pool`.
   */
  reservedPool?: Pool;
  redis?: Redis;
  clock: Clock;
  version: string;
  /** Both languages' messages, parsed once by the caller (main.ts, the console's too). */
  catalogue: Catalogue;
  /** Console mode answers Bot API calls itself. */
  botInfo?: UserFromGetMe;
  fetch?: typeof fetch;
  /** The HTTP client for the API health check (tests may aim it elsewhere). */
  apiFetch?: typeof fetch;
  apiTimeoutMs?: number;
  actionLeaseMs?: number;
  /** Between SIGTERM and SIGKILL to a deploy script's group (5 s; tests wait less). */
  actionGraceMs?: number;
  /** Tests run the probe loop's rounds by hand (the watcher's probe()). */
  probeByHand?: boolean;
  /** How long after an Alertmanager batch its tick starts (500 ms; tests wait less). */
  alertmanagerTickDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Where the bot runs, to warn when API_HEALTH_URL points back at it. */
  self?: Omit<SelfFacts, "port">;
  /** PATH and HOME that deploy scripts get (the rest of the environment never reaches them). */
  scriptEnv: { PATH: string; HOME: string };
}

type WiringDeps = AppDeps & {
  sleep: (ms: number) => Promise<void>;
  /** opsbot's migrations are applied (known to the app, which runs them at start). */
  schemaReady: () => boolean;
  startedAt: Date;
  metrics: Metrics;
  redact: Redactor;
  /** Whether the last Bot API call (replies and alerts alike) got through. */
  telegramCalls: CallRecorder;
  languages: Languages;
};

/** The parts of the app; each is built from the ones before it. */
export function wire(
  appDeps: Omit<WiringDeps, "startedAt" | "metrics" | "redact" | "telegramCalls" | "languages">,
) {
  const deps: WiringDeps = {
    ...appDeps,
    startedAt: appDeps.clock.now(),
    metrics: createMetrics(),
    redact: createRedactor(secretsOf(appDeps.config)),
    telegramCalls: createCallRecorder(),
    languages: createLanguages(appDeps.catalogue, appDeps.config.BOT_LOCALE, {
      choices: createLanguageChoices(appDeps.pool, appDeps.clock),
      onError: (error, what) =>
        appDeps.logger.warn(
          { err: error },
          `could not ${what} a language choice; going on without`,
        ),
    }),
  };
  // The watcher's and the executor's connections (the same pool when there is one only).
  const reserved = deps.reservedPool ?? deps.pool;
  const shapes = createShapeSource(reserved, deps.logger, deps.clock);
  const backupIntegrity = createIntegrityReader();
  // The two cycles of the wiring, each closed once its far end exists: /health's bot facts
  // come from the watcher that runs these checks, and the executor reports through the bot
  // whose features drive it.
  const tickFacts = lateBound<Pick<Watcher, "isRunning" | "lastTickAt">>("the watcher");
  const reportApi = lateBound<Api>("the bot's Api");
  const alerts = createAlertsDesk(deps.pool);
  const onCall = createOnCallDesk(deps.pool, {
    rota: deps.config.ONCALL_ROTA,
    shift: deps.config.ONCALL_SHIFT,
    tz: deps.config.ONCALL_TZ,
  });
  const checks = wireChecks(deps, { shapes, backupIntegrity }, alerts, tickFacts.get);
  // The same questions on the reserved connections, for the watcher.
  const watchChecks = deps.reservedPool
    ? wireChecks({ ...deps, pool: reserved }, { shapes, backupIntegrity }, alerts, tickFacts.get)
    : checks;
  const executor = wireExecutor({ ...deps, pool: reserved }, watchChecks, reportApi.get);
  const incidents = createIncidentsDesk(deps.pool);
  // One chart library (loaded with the first chart) for /runs, /report and the weekly post.
  const charts = loadChartsOnDemand();
  const bot = wireBot(deps, { checks, alerts, executor, onCall, incidents }, charts);
  reportApi.bind(bot.api);
  const watcher = wireWatcher({ ...deps, pool: reserved }, watchChecks, executor, deps.pool);
  tickFacts.bind(watcher);
  const paging = wirePaging({ ...deps, pool: reserved }, onCall);
  const reportSchedule = wireReportSchedule(deps, bot.api, charts, incidents);
  return {
    startedAt: deps.startedAt,
    metrics: deps.metrics,
    languages: deps.languages,
    shapes,
    checks,
    executor,
    bot,
    watcher,
    paging,
    reportSchedule,
  };
}

function wireChecks(
  deps: WiringDeps,
  shared: { shapes: ShapeSource; backupIntegrity: IntegrityReader },
  alerts: AlertsDesk,
  watcher: () => Pick<Watcher, "isRunning" | "lastTickAt">,
): Checks {
  const { config, pool } = deps;
  return createChecks({
    pool,
    redis: deps.redis,
    clock: deps.clock,
    ...shared,
    apiHealthUrl: config.API_HEALTH_URL,
    apiMetricsUrl: metricsUrlOf(config),
    overdueMinutes: config.JOB_OVERDUE_MINUTES,
    staleMinutes: config.SYNC_STALE_MINUTES,
    stuckMinutes: config.STUCK_AFTER_MINUTES,
    schedulerStallMinutes: config.SCHEDULER_STALL_MINUTES,
    projectIds: config.PROJECT_IDS,
    backupDir: config.BACKUP_DIR,
    botFacts: () => readBotFacts(deps, watcher(), alerts),
    fetch: deps.apiFetch,
    ...(deps.apiTimeoutMs !== undefined ? { apiTimeoutMs: deps.apiTimeoutMs } : {}),
  });
}

function wireExecutor(deps: WiringDeps, checks: Checks, botApi: () => Api): Executor {
  const { config } = deps;
  return createExecutor({
    pool: deps.pool,
    clock: deps.clock,
    logger: deps.logger,
    sleep: deps.sleep,
    reporter: createActionReporter(botApi, deps.languages.group),
    redact: deps.redact,
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
    onOutcome: (kind, outcome) => deps.metrics.actions.inc({ kind, outcome }),
    ...(deps.actionLeaseMs !== undefined ? { leaseMs: deps.actionLeaseMs } : {}),
    graceMs: deps.actionGraceMs,
  });
}

/** Where the bot's Bot API calls go: Telegram, the fake Bot API, or the console. */
function telegramOf(deps: WiringDeps) {
  return {
    token: deps.config.TELEGRAM_BOT_TOKEN ?? "0:console",
    apiRoot: deps.config.TELEGRAM_API_ROOT,
    fetch: deps.fetch,
  };
}

/** The domains' entry points, the only way features reach data. */
interface Domains {
  checks: Checks;
  alerts: AlertsDesk;
  executor: Executor;
  onCall: OnCallDesk;
  incidents: IncidentsDesk;
}

/** ALERT_CHAT_ID / ALERT_THREAD_ID: where alerts no route claims go, and handovers. */
const alertGroupOf = (config: WiringDeps["config"]) => ({
  chatId: config.ALERT_CHAT_ID,
  threadId: config.ALERT_THREAD_ID,
});

function wireBot(
  deps: WiringDeps,
  { checks, alerts, executor, onCall, incidents }: Domains,
  charts: Charts,
) {
  const { config, pool, clock } = deps;
  const heavy = createHeavyQueries();
  const deployDeps = {
    executor,
    clock,
    approval: config.APPROVAL,
    defaultRef: config.DEPLOY_DEFAULT_REF ?? ORIGIN_DEFAULT_BRANCH,
    languages: deps.languages,
  };
  const dedup = createPgDedup(pool);
  return createBot({
    ...telegramOf(deps),
    access: config,
    languages: deps.languages,
    logger: deps.logger,
    metrics: deps.metrics,
    dedup: deps.redis ? createLayeredDedup(createRedisDedup(deps.redis), dedup) : dedup,
    chatMigrations: {
      record: (from, to) => recordMigration(pool, from, to),
      originsOf: (chatId) => originChatIds(pool, chatId),
    },
    botInfo: deps.botInfo,
    redact: deps.redact,
    sleep: deps.sleep,
    recorder: deps.telegramCalls,
    sequencer: sequentialize((ctx) => ctx.chat?.id.toString()),
    features: [
      // First: an active /rollback dialogue sees its person's updates before anyone else.
      rollbackFeature({
        ...deployDeps,
        access: config,
        dialogues: createConversationStorage(pool),
        choiceMs: config.CONFIRM_TTL_SECONDS * 1000,
      }),
      opsQueriesFeature({ checks, clock, stuckMinutes: config.STUCK_AFTER_MINUTES }),
      diagnosticsFeature({
        checks,
        clock,
        backupMaxAgeHours: config.BACKUP_MAX_AGE_HOURS,
        charts,
        heavy,
      }),
      reportsFeature({
        report: (period, now) => buildReport(reportDeps(deps, incidents), period, now),
        charts,
        clock,
        heavy,
      }),
      alertsFeature({
        alerts,
        group: deps.languages.group,
        clock,
        maxSilenceDays: config.SILENCE_MAX_DAYS,
        runbookUrl: config.RUNBOOK_URL,
      }),
      incidentsFeature({ incidents, clock, timeZone: config.ONCALL_TZ }),
      oncallRotaFeature({
        desk: onCall,
        group: deps.languages.group,
        clock,
        alertGroup: alertGroupOf(config),
        runbookUrl: config.RUNBOOK_URL,
      }),
      deployFeature(deployDeps),
    ],
  });
}

function wireWatcher(
  deps: WiringDeps,
  checks: Checks,
  executor: Executor,
  leasePool: Pool,
): Watcher {
  const { config, pool, clock, logger, metrics } = deps;
  const retention = createRetention({
    pool,
    clock,
    logger,
    policy: { days: config.RETENTION_DAYS, auditDays: config.AUDIT_RETENTION_DAYS },
  });
  // Alerts go out through an Api that does not retry: the outbox schedules its own retries.
  const alertApi = createOutboxApi({
    ...telegramOf(deps),
    logger,
    metrics,
    redact: deps.redact,
    recorder: deps.telegramCalls,
  });
  return createWatcher({
    pool,
    redis: deps.redis,
    checks,
    notifierFor: createTelegramNotifiers(alertApi, clock, logger, {
      lang: deps.languages.group,
      runbookUrl: config.RUNBOOK_URL,
    }),
    clock,
    logger,
    metrics,
    sleep: deps.sleep,
    cron: config.WATCH_CRON,
    leasePool,
    intervalMs: watchIntervalMs(config.WATCH_CRON),
    probeMs: config.PROBE_SECONDS * 1000,
    downAfterMs: config.DOWN_AFTER_SECONDS * 1000,
    upAfterMs: config.UP_AFTER_SECONDS * 1000,
    ...(deps.probeByHand ? { probeByHand: true } : {}),
    rules: {
      downAfterChecks: config.DOWN_AFTER_CHECKS,
      connectionsHighRatio: config.PG_CONNECTIONS_HIGH_PERCENT / 100,
      longQueryMinutes: config.PG_LONG_QUERY_MINUTES,
      blockedMinutes: config.PG_BLOCKED_MINUTES,
      backupMaxAgeHours: config.BACKUP_MAX_AGE_HOURS,
    },
    repeatMinutes: config.ALERT_REPEAT_MINUTES,
    flapChanges: config.FLAP_CHANGES,
    // Alertmanager's firing alerts, as received by POST /alertmanager, and its watchdog's
    // absence: one source, so either failing to read leaves both as they are.
    sources: [
      {
        source: "alertmanager",
        firing: async () => [
          ...(await loadFiringAlerts(pool)),
          ...(await watchdogAlerts(pool, watchdogOf(config), clock.now())),
        ],
      },
      // Only a webhook has Telegram's word on delivery (getWebhookInfo), through the Api
      // that does not retry: a failed reading is no reading.
      ...(config.mode === "webhook"
        ? [createWebhookSource({ getWebhookInfo: () => readWebhookInfo(alertApi), clock })]
        : []),
    ],
    routing: {
      routes: config.ALERT_ROUTES,
      fallback: alertGroupOf(config),
    },
    ...(config.HEARTBEAT_URL ? { heartbeatUrl: config.HEARTBEAT_URL } : {}),
    telegramOk: () => deps.telegramCalls.lastOk(),
    apiHeld: () => executor.inProgress(),
    schemaReady: deps.schemaReady,
    onTick: async () => {
      await executor.reap();
      await retention.pruneIfDue();
      // /report reads the rollup: kept current here, so a report has little left to do.
      await refreshEpisodes(pool, clock.now());
    },
    afterTick: wireSentinelHeartbeat(deps),
  });
}

/** Handovers and escalation: only with a rota (ONCALL_ROTA), else there is no one to page. */
function wirePaging(deps: WiringDeps, desk: OnCallDesk) {
  const { config, pool, clock, logger } = deps;
  if (config.ONCALL_ROTA.length === 0) return undefined;
  const api = createOutboxApi({
    ...telegramOf(deps),
    logger,
    metrics: deps.metrics,
    redact: deps.redact,
  });
  const { group } = deps.languages;
  const pager = createOnCallPager(api, clock, logger, {
    tz: config.ONCALL_TZ,
    runbookUrl: config.RUNBOOK_URL,
    group,
    languageOf: (userId) => deps.languages.of(userId),
  });
  return createPagingLoop({
    pool,
    clock,
    logger,
    pager,
    desk,
    escalation: createEscalation({
      pool,
      logger,
      pager,
      desk,
      steps: config.ESCALATION,
      operators: config.OPERATOR_IDS,
      onStep: (target, outcome) => deps.metrics.escalationSteps.inc({ target, outcome }),
    }),
    alertGroup: alertGroupOf(config),
    schemaReady: deps.schemaReady,
  });
}

/** The report's sources: alert events, silences and the incident record. */
const reportDeps = (deps: WiringDeps, incidents: IncidentsDesk): ReportDeps => ({
  pool: deps.pool,
  tz: deps.config.ONCALL_TZ,
  countIncidents: (window) => incidents.countOpened(window),
});

/** REPORT_CRON posts the week's report to ALERT_CHAT_ID in BOT_LOCALE; none without either. */
function wireReportSchedule(
  deps: WiringDeps,
  api: Api,
  charts: Charts,
  incidents: IncidentsDesk,
): ReportSchedule | undefined {
  const { config, logger } = deps;
  const chatId = config.ALERT_CHAT_ID;
  if (config.REPORT_CRON === undefined || chatId === undefined) return undefined;
  const html = { parse_mode: "HTML", message_thread_id: config.ALERT_THREAD_ID } as const;
  return createReportSchedule({
    pool: deps.pool,
    clock: deps.clock,
    logger,
    cron: config.REPORT_CRON,
    tz: config.ONCALL_TZ,
    sleep: deps.sleep,
    build: (period, now) => buildReport(reportDeps(deps, incidents), period, now),
    post: (report) =>
      sendReport(
        {
          text: (text) =>
            api.sendMessage(chatId, text, { ...html, link_preview_options: { is_disabled: true } }),
          photo: (png, caption) => api.sendPhoto(chatId, png, { ...html, caption }),
        },
        report,
        deps.languages.group,
        charts,
      ),
  });
}

/** With SENTINEL_URL: after each good tick, a heartbeat to the sentinel on another host. */
function wireSentinelHeartbeat(deps: WiringDeps): ((status: PathStatus) => void) | undefined {
  const { SENTINEL_URL: url, SENTINEL_TOKEN: token } = deps.config;
  if (url === undefined || token === undefined) return undefined;
  const poster = createHeartbeatPoster({ url, token, logger: deps.logger });
  return (status) => poster.beat(() => Promise.resolve(heartbeatOf(deps.version, status)));
}

const watchdogOf = (config: Config): WatchdogOptions => ({
  alertname: config.WATCHDOG_ALERTNAME,
  minutes: config.WATCHDOG_MINUTES,
});
