import type { Redis } from "ioredis";
import type { Clock } from "../clock.js";
import type { Pool } from "../db/pool.js";
import { checkApi, type ApiHealth } from "./api-health.js";
import { listBackups } from "./backups.js";
import { listJobs } from "./jobs.js";
import { readPgActivity } from "./pg-activity.js";
import { checkPostgres, type PostgresCheck } from "./postgres.js";
import { checkRedis, type RedisCheck } from "./redis.js";
import { jobHistory, summarizeRuns, type RunsShape } from "./runs.js";
import { findStuckRuns } from "./stuck.js";
import { listConnectors } from "./sync.js";

export interface BotFacts {
  version: string;
  startedAt: Date;
  /** null: the watcher runs but has not ticked yet; undefined: it is not running. */
  lastTickAt?: Date | null;
}

export interface Health {
  api: ApiHealth;
  postgres: PostgresCheck;
  redis: RedisCheck;
  bot: BotFacts;
  checkedAt: Date;
}

export interface ChecksDeps {
  pool: Pool;
  redis?: Redis;
  clock: Clock;
  apiHealthUrl: string;
  apiTimeoutMs?: number;
  overdueMinutes: number;
  staleMinutes: number;
  stuckMinutes: number;
  botFacts: () => Promise<BotFacts>;
  runsShape: RunsShape;
  backupDir?: string;
  fetch?: typeof fetch;
}

export const STUCK_LIST_LIMIT = 50;

/** Every question the bot can ask production, bound to its adapters. */
export function createChecks(deps: ChecksDeps) {
  const { pool, clock } = deps;
  const api = () =>
    checkApi({ url: deps.apiHealthUrl, timeoutMs: deps.apiTimeoutMs ?? 3_000, fetch: deps.fetch });
  return {
    api,
    postgres: () => checkPostgres(pool),
    redis: () => checkRedis(deps.redis),
    async health(): Promise<Health> {
      const [apiResult, postgres, redis, bot] = await Promise.all([
        api(),
        checkPostgres(pool),
        checkRedis(deps.redis),
        deps.botFacts(),
      ]);
      return { api: apiResult, postgres, redis, bot, checkedAt: clock.now() };
    },
    jobs: () => listJobs(pool, clock.now(), deps.overdueMinutes),
    stuck: (minutes = deps.stuckMinutes, limit = STUCK_LIST_LIMIT) =>
      findStuckRuns(pool, clock.now(), minutes, limit),
    sync: () => listConnectors(pool, clock.now(), deps.staleMinutes),
    runs: (job?: string, project?: string) =>
      summarizeRuns(pool, { shape: deps.runsShape, now: clock.now(), job, project }),
    jobHistory: (job: string, project?: string) =>
      jobHistory(pool, { shape: deps.runsShape, now: clock.now(), job, project }),
    pgActivity: () => readPgActivity(pool),
    backups: () => listBackups(deps.backupDir, clock.now()),
  };
}

export type Checks = ReturnType<typeof createChecks>;
