import type { Redis } from "ioredis";
import type { Clock } from "../clock.js";
import type { Pool } from "../db/pool.js";
import { checkApi, type ApiHealth } from "./probes/api-health.js";
import { checkApiMetrics } from "./probes/api-metrics.js";
import { createIntegrityReader, type IntegrityReader } from "./listings/backup-integrity.js";
import { listBackups, type BackupListing } from "./listings/backups.js";
import { listJobs, type Job } from "./listings/jobs.js";
import { readPgActivity, type PgActivity } from "./listings/pg-activity.js";
import { checkPostgres, type PostgresCheck } from "./probes/postgres.js";
import { checkRedis, type RedisCheck } from "./probes/redis.js";
import { checkScheduler, type SchedulerState } from "./listings/scheduler.js";
import { describeShape, requireShape, type SchemaShape, type TableState } from "./schema-shape.js";
import { listWatchedProjects } from "./scope.js";
import { isSchemaChange, type ShapeSource } from "./shape-source.js";
import {
  findFailedProcesses,
  findStuckProcesses,
  findStuckWorkers,
  type StuckRuns,
} from "./listings/stuck.js";
import { stuckReport, type StuckReport } from "./listings/stuck-report.js";
import { jobHistory, summarizeRuns, type JobHistory, type RunsSummary } from "./listings/runs.js";
import { refreshRunHistory } from "./listings/run-history.js";
import { listConnectors, type ConnectorSync } from "./listings/sync.js";

export interface BotFacts {
  version: string;
  startedAt: Date;
  /** null: the watcher runs but has not ticked yet; undefined: it is not running. */
  lastTickAt?: Date | null;
  /** Watcher checks that could not be evaluated on the last tick, with why. */
  blindChecks?: { check: string; reason: string | null }[];
}

/** The LabPics schema as detected: its shape in words and what is missing. */
export interface SchemaFacts {
  shape: string;
  mismatches: string[];
  /** Columns LabPics's scheduler writes that are missing: its worker ticks fail. */
  schedulerGaps: string[];
}

export interface Health {
  api: ApiHealth;
  postgres: PostgresCheck;
  redis: RedisCheck;
  bot: BotFacts;
  /** undefined while PostgreSQL cannot be asked. */
  schema?: SchemaFacts;
  /** Connectors syncing mock data ("attio [Acme]"); undefined when unknown. */
  mockConnectors?: string[];
  checkedAt: Date;
}

/** Every question the bot can ask production: the entry point of features and the watcher. */
export interface Checks {
  /** The API's /health: up, degraded or down, and what it reported. */
  api: () => Promise<ApiHealth>;
  /** PostgreSQL reachable, with its connections in use and max_connections. */
  postgres: () => Promise<PostgresCheck>;
  /** The bot's Redis reachable, or not configured. */
  redis: () => Promise<RedisCheck>;
  /** The LabPics schema as detected: its shape in words and what is missing. */
  schema: () => Promise<SchemaFacts>;
  /** /health: the API (with its metrics), PostgreSQL, Redis, the bot and the schema. */
  health: () => Promise<Health>;
  /** Scheduled jobs with their failed, overdue, suspended and stuck flags. */
  jobs: () => Promise<Job[]>;
  /** Worker runs going longer than `minutes`, oldest first, at most `limit`. */
  stuckWorkers: (minutes?: number, limit?: number) => Promise<StuckRuns>;
  /** Process runs going longer than `minutes`, oldest first, at most `limit`. */
  stuckProcesses: (minutes?: number, limit?: number) => Promise<StuckRuns>;
  /** /stuck: workers and processes together, and the processes failed in the last day. */
  stuck: (minutes?: number, limit?: number) => Promise<StuckReport>;
  /** The projects watched (labpics shape; undefined when unscoped): out of scope ends quietly. */
  watchedProjects: () => Promise<Set<string> | undefined>;
  /** Connector sync with its failed, partial, stuck and stale flags. */
  sync: () => Promise<ConnectorSync[]>;
  /** Whether the scheduler stalled: active jobs overdue and no worker run started. */
  scheduler: () => Promise<SchedulerState>;
  /** /runs: each job's runs, success rate and percentiles over 24 h and 7 d. */
  runs: (job?: string, project?: string) => Promise<RunsSummary>;
  /** /runs JOB: one job's last runs, for its list and chart. */
  jobHistory: (job: string, project?: string) => Promise<JobHistory>;
  /** The watcher's step that keeps the run history /runs reads (run-history.ts). */
  refreshRunHistory: () => Promise<void>;
  /** /pg: connections, long queries, locks, idle in transaction and sizes, each on its own. */
  pgActivity: () => Promise<PgActivity>;
  /** /backups: the backups in BACKUP_DIR, newest first, or not configured. */
  backups: () => Promise<BackupListing>;
}

export interface ChecksDeps {
  pool: Pool;
  redis?: Redis;
  clock: Clock;
  shapes: ShapeSource;
  apiHealthUrl: string;
  apiMetricsUrl: string;
  apiTimeoutMs?: number;
  overdueMinutes: number;
  staleMinutes: number;
  stuckMinutes: number;
  schedulerStallMinutes: number;
  /** PROJECT_IDS; empty = every project. */
  projectIds: readonly string[];
  botFacts: () => Promise<BotFacts>;
  backupDir?: string;
  /** Shared by the commands' and the watcher's checks, so a dump is read once. */
  backupIntegrity?: IntegrityReader;
  fetch?: typeof fetch;
}

export const STUCK_LIST_LIMIT = 50;
const FAILED_PROCESS_LIMIT = 5;
const DAY_MS = 86_400_000;

export const schemaFacts = (shape: SchemaShape): SchemaFacts => ({
  shape: describeShape(shape),
  mismatches: shape.mismatches,
  schedulerGaps: shape.schedulerGaps,
});

/** The checks bound to their adapters: the pool, Redis, the API's URLs, the clock. */
export function createChecks(deps: ChecksDeps): Checks {
  const { pool, clock, shapes, projectIds } = deps;
  const timeoutMs = deps.apiTimeoutMs ?? 3_000;
  const api = () => checkApi({ url: deps.apiHealthUrl, timeoutMs, fetch: deps.fetch });
  const backupIntegrity = deps.backupIntegrity ?? createIntegrityReader();

  /** Runs a query on the table's detected shape; a changed schema is detected again. */
  async function onShape<T>(
    pick: (s: SchemaShape) => TableState,
    query: (shape: ReturnType<typeof requireShape>, all: SchemaShape) => Promise<T>,
  ): Promise<T> {
    const all = await shapes.get();
    try {
      return await query(requireShape(pick(all)), all);
    } catch (error) {
      if (isSchemaChange(error)) shapes.invalidate();
      throw error;
    }
  }

  const postgres = async () => {
    const result = await checkPostgres(pool);
    // Detected again once it is back: the database may have been restored or migrated.
    if (result.status === "down") shapes.invalidate();
    return result;
  };

  const stuckQuery = (minutes: number, limit: number) => ({
    now: clock.now(),
    thresholdMinutes: minutes,
    limit,
    projectIds,
  });
  const stuckWorkers = (minutes = deps.stuckMinutes, limit = STUCK_LIST_LIMIT) =>
    onShape(
      (s) => s.workers,
      (shape) => findStuckWorkers(pool, { ...stuckQuery(minutes, limit), shape }),
    );
  const stuckProcesses = (minutes = deps.stuckMinutes, limit = STUCK_LIST_LIMIT) =>
    onShape(
      (s) => s.processes,
      (shape) => findStuckProcesses(pool, { ...stuckQuery(minutes, limit), shape }),
    );

  const sync = () =>
    onShape(
      (s) => s.sync,
      (shape) =>
        listConnectors(pool, { shape, projectIds }, clock.now(), {
          staleMinutes: deps.staleMinutes,
          stuckMinutes: deps.stuckMinutes,
        }),
    );
  const mockConnectors = async () =>
    (await sync())
      .filter((c) => c.mock)
      .map((c) => (c.project === null ? c.connector : `${c.connector} [${c.project}]`));

  return {
    api,
    postgres,
    redis: () => checkRedis(deps.redis),
    schema: async (): Promise<SchemaFacts> => schemaFacts(await shapes.get()),
    async health(): Promise<Health> {
      const [apiResult, metrics, pg, redis, bot] = await Promise.all([
        api(),
        checkApiMetrics({ url: deps.apiMetricsUrl, timeoutMs, fetch: deps.fetch }),
        postgres(),
        checkRedis(deps.redis),
        deps.botFacts(),
      ]);
      const [schema, mock] =
        pg.status === "ok"
          ? await Promise.all([
              shapes.get().then(schemaFacts, () => undefined),
              mockConnectors().catch(() => undefined),
            ])
          : [undefined, undefined];
      return {
        api: { ...apiResult, metrics },
        postgres: pg,
        redis,
        bot,
        ...(schema ? { schema } : {}),
        ...(mock ? { mockConnectors: mock } : {}),
        checkedAt: clock.now(),
      };
    },
    jobs: () =>
      onShape(
        (s) => s.jobs,
        (shape, all) =>
          listJobs(pool, { shape, projectIds, startedAt: all.jobStartedAt }, clock.now(), {
            overdueMinutes: deps.overdueMinutes,
            stuckMinutes: deps.stuckMinutes,
          }),
      ),
    stuckWorkers,
    stuckProcesses,
    async stuck(minutes = deps.stuckMinutes, limit = STUCK_LIST_LIMIT): Promise<StuckReport> {
      const [workers, processes, failed] = await Promise.allSettled([
        stuckWorkers(minutes, limit),
        stuckProcesses(minutes, limit),
        onShape(
          (s) => s.processes,
          (shape) =>
            findFailedProcesses(
              pool,
              { shape, projectIds },
              new Date(clock.now().getTime() - DAY_MS),
              FAILED_PROCESS_LIMIT,
            ),
        ),
      ]);
      return stuckReport({ workers, processes, failed }, limit);
    },
    sync,
    scheduler: () =>
      onShape(
        (s) => s.jobs,
        (jobs, all) =>
          checkScheduler(
            pool,
            { jobs, workers: requireShape(all.workers), schedulerGaps: all.schedulerGaps },
            projectIds,
            clock.now(),
            {
              overdueMinutes: deps.overdueMinutes,
              stallMinutes: deps.schedulerStallMinutes,
            },
          ),
      ),
    runs: (job?: string, project?: string) =>
      onShape(
        (s) => s.workers,
        (shape) => summarizeRuns(pool, { shape, now: clock.now(), job, project, projectIds }),
      ),
    jobHistory: (job: string, project?: string) =>
      onShape(
        (s) => s.workers,
        (shape) => jobHistory(pool, { shape, now: clock.now(), job, project, projectIds }),
      ),
    refreshRunHistory: () =>
      onShape(
        (s) => s.workers,
        (shape) => refreshRunHistory(pool, shape, clock.now()),
      ),
    /**
     * The ids of the projects watched now; undefined where no table is project-scoped. An
     * alert of a project outside them ends quietly: a change of scope resolves nothing.
     */
    async watchedProjects(): Promise<Set<string> | undefined> {
      const all = await shapes.get();
      const states = [all.jobs, all.workers, all.sync, all.processes];
      if (!states.some((s) => "shape" in s && s.shape === "labpics")) return undefined;
      return new Set(await listWatchedProjects(pool, projectIds));
    },
    pgActivity: () => readPgActivity(pool),
    backups: () => listBackups(deps.backupDir, clock.now(), backupIntegrity),
  };
}
