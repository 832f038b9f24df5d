import { z } from "zod";

/**
 * What the bot posts to its sentinel after each tick: the paging path as the bot sees it.
 * Both sides read this schema; fields beyond these are ignored, so either may be newer.
 */
export const heartbeatSchema = z.object({
  version: z.string().max(100),
  /** The last finished tick of any replica; null before the first. */
  lastTickAt: z.iso.datetime({ offset: true }).nullable(),
  undeliveredAlerts: z.number().int().nonnegative(),
  /** Age of the oldest alert message still waiting; null when none waits. */
  oldestUndeliveredSeconds: z.number().nonnegative().nullable(),
  /** The bot's last attempt to deliver to Telegram succeeded. */
  telegramOk: z.boolean(),
  firing: z.object({
    critical: z.number().int().nonnegative(),
    warning: z.number().int().nonnegative(),
  }),
});

export type Heartbeat = z.infer<typeof heartbeatSchema>;

/** An alert message waiting longer than this means the path is broken. */
export const UNDELIVERED_LIMIT_SECONDS = 5 * 60;

/** Why the paging path is not whole: silent (no heartbeat), or as a heartbeat says. */
export type BreakReason = "silent" | "telegram" | "undelivered";

/** What a heartbeat says is broken, if anything. */
export function brokenBy(heartbeat: Heartbeat): Exclude<BreakReason, "silent"> | undefined {
  if (!heartbeat.telegramOk) return "telegram";
  if ((heartbeat.oldestUndeliveredSeconds ?? 0) > UNDELIVERED_LIMIT_SECONDS) return "undelivered";
  return undefined;
}
