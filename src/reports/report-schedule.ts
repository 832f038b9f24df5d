import cron, { type ScheduledTask } from "node-cron";
import type { Clock } from "../clock.js";
import type { Pool } from "../db/pool.js";
import type { Logger } from "../log/create-logger.js";
import type { Report } from "./build-report.js";
import { claimReportSlot } from "./report-store.js";
import type { ReportPeriod } from "./report-window.js";

export interface ReportScheduleDeps {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  /** REPORT_CRON, read in `tz` (ONCALL_TZ). */
  cron: string;
  tz: string;
  build: (period: ReportPeriod, now: Date) => Promise<Report>;
  /** Posts it to the alert group, in the group's language. */
  post: (report: Report) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
}

// The scheduled report is the week's: REPORT_CRON's default is every Monday.
const SCHEDULED_PERIOD: ReportPeriod = "7d";
const ATTEMPTS = 3;
const RETRY_MS = 60_000;

export type SlotOutcome = "posted" | "skipped" | "failed";

/**
 * The weekly report on REPORT_CRON. Every replica's cron fires; the slot's time is its key in
 * opsbot.report_posts, so one replica posts it. That replica tries a few times (Telegram
 * away); if it dies meanwhile, that week's report is not posted.
 */
export function createReportSchedule(deps: ReportScheduleDeps) {
  const { logger } = deps;
  let task: ScheduledTask | undefined;
  let inFlight: Promise<SlotOutcome> | undefined;

  async function post(slot: Date): Promise<SlotOutcome> {
    if (!(await claimReportSlot(deps.pool, slot, deps.clock.now()))) return "skipped";
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.post(await deps.build(SCHEDULED_PERIOD, deps.clock.now()));
        logger.info({ slot }, "weekly report posted");
        return "posted";
      } catch (error) {
        if (attempt === ATTEMPTS) {
          logger.error({ err: error, slot }, "weekly report not posted");
          return "failed";
        }
        logger.warn({ err: error, slot, attempt }, "weekly report not posted yet; trying again");
        await deps.sleep(RETRY_MS);
      }
    }
  }

  /** The slot at `slot` (a cron firing, or a test): posted once across replicas. */
  async function postSlot(slot: Date): Promise<SlotOutcome> {
    inFlight = post(slot).catch((error: unknown) => {
      logger.warn({ err: error, slot }, "weekly report slot not claimed");
      return "failed" as const;
    });
    return inFlight;
  }

  return {
    postSlot,
    start(): void {
      task = cron.schedule(deps.cron, (ctx) => postSlot(ctx.date), {
        name: "opsbot-report",
        timezone: deps.tz,
        noOverlap: true,
      });
      logger.info({ cron: deps.cron, tz: deps.tz }, "weekly report scheduled");
    },
    async stop(): Promise<void> {
      await task?.stop();
      task = undefined;
      await inFlight;
    },
  };
}

export type ReportSchedule = ReturnType<typeof createReportSchedule>;
