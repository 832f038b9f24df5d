import type { Pool } from "../db/pool.js";
import type { Logger } from "../log/create-logger.js";
import { severityOf } from "./severity.js";
import type { AlertKind, Severity } from "./types.js";

/**
 * Whether the paging path is whole, as one replica sees it after a tick: the fields a
 * heartbeat carries (HEARTBEAT_URL is requested only while they say whole; the sentinel
 * receives them as they are).
 */
export interface PathStatus {
  lastTickAt: Date | null;
  lastTickOk: boolean;
  undeliveredAlerts: number;
  oldestUndeliveredSeconds: number | null;
  telegramOk: boolean;
  firing: { critical: number; warning: number };
}

/** An alert message waiting longer than this means delivery is stuck. */
export const UNDELIVERED_LIMIT_SECONDS = 120;

/** Why the path is not whole at `now`, in one line; undefined when it is. */
export function pathBrokenBecause(status: PathStatus, now: Date): string | undefined {
  if (status.lastTickAt === null || !status.lastTickOk) return "the last tick failed";
  if (!status.telegramOk) return "the last Bot API call failed";
  if (status.oldestUndeliveredSeconds === null) return undefined;
  // Read later than it was taken (the sentinel), the oldest message has waited that much longer.
  const waited =
    status.oldestUndeliveredSeconds + (now.getTime() - status.lastTickAt.getTime()) / 1000;
  return waited > UNDELIVERED_LIMIT_SECONDS
    ? `an alert message has waited undelivered for ${Math.round(waited)} s`
    : undefined;
}

export const isPathWhole = (status: PathStatus, now: Date): boolean =>
  pathBrokenBecause(status, now) === undefined;

/** The stored part of the status: the outbox's backlog and the firing alerts by severity. */
export async function readPathStatus(
  pool: Pool,
  now: Date,
): Promise<Pick<PathStatus, "undeliveredAlerts" | "oldestUndeliveredSeconds" | "firing">> {
  const [outbox, firing] = await Promise.all([
    pool.query<{ n: number; oldest: Date | null }>(
      `SELECT count(*)::int AS n, min(created_at) AS oldest
         FROM opsbot.outbox WHERE sent_at IS NULL AND cancelled_at IS NULL`,
    ),
    pool.query<{ kind: AlertKind; severity: Severity | null; n: number }>(
      `SELECT kind, severity, count(*)::int AS n FROM opsbot.alerts
        WHERE resolved_at IS NULL GROUP BY kind, severity`,
    ),
  ]);
  const counts = { critical: 0, warning: 0 };
  for (const row of firing.rows) {
    counts[severityOf({ kind: row.kind, severity: row.severity ?? undefined })] += row.n;
  }
  const oldest = outbox.rows[0]?.oldest ?? null;
  return {
    undeliveredAlerts: outbox.rows[0]?.n ?? 0,
    oldestUndeliveredSeconds:
      oldest === null ? null : Math.max(0, (now.getTime() - oldest.getTime()) / 1000),
    firing: counts,
  };
}

/**
 * The dead man's switch: HEARTBEAT_URL requested only while the path is whole. Withheld
 * otherwise, so the outside check pages; why is logged once, not every tick.
 */
export function createHeartbeat(deps: { url?: string; logger: Logger }) {
  let withheldBecause: string | undefined;
  return async (status: PathStatus, now: Date): Promise<void> => {
    if (deps.url === undefined) return;
    const broken = pathBrokenBecause(status, now);
    if (broken !== undefined) {
      if (broken !== withheldBecause) deps.logger.warn({ why: broken }, "heartbeat withheld");
      withheldBecause = broken;
      return;
    }
    if (withheldBecause !== undefined)
      deps.logger.info("heartbeat resumed: the paging path is whole");
    withheldBecause = undefined;
    try {
      await fetch(deps.url, { signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      deps.logger.warn({ err: error }, "heartbeat request failed");
    }
  };
}
