import type { BotFacts } from "./create-checks.js";

/**
 * What /health says of the bot itself. Its reads go side by side: with PostgreSQL behind a
 * dead link each waits out a connection timeout, and /health must still answer well before
 * Telegram gives up on the webhook.
 */
export async function readBotFacts(
  self: { version: string; startedAt: Date },
  watcher: { isRunning(): boolean; lastTickAt(): Promise<Date | null> },
  alerts: { blindChecks(): Promise<NonNullable<BotFacts["blindChecks"]>> },
): Promise<BotFacts> {
  const [lastTickAt, blindChecks] = await Promise.all([
    watcher.isRunning() ? watcher.lastTickAt() : undefined,
    alerts.blindChecks().catch(() => []),
  ]);
  return {
    version: self.version,
    startedAt: self.startedAt,
    ...(lastTickAt !== undefined ? { lastTickAt } : {}),
    blindChecks,
  };
}
