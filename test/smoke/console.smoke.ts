// The console demo as a newcomer runs it: commands piped into the bot with no token and
// no database (embedded PostgreSQL with demo data). Real answers, no error lines.
import { afterEach, expect, it } from "vitest";
import { spawnBot, type SpawnedBot } from "../kit/spawn-bot.js";
import { closedPort } from "../kit/ports.js";

let bot: SpawnedBot | undefined;
afterEach(() => {
  bot?.child.kill("SIGKILL");
});

it("answers piped commands from the demo data and ends at EOF", async () => {
  bot = spawnBot({ API_HEALTH_URL: `http://127.0.0.1:${await closedPort()}/health` });
  bot.child.stdin!.end("/health\n/jobs\n/whoami\n");
  const { code } = await bot.exited;
  const out = bot.stdout();

  expect(code, bot.stderr()).toBe(0);
  expect(out).toContain("DEMO MODE");
  expect(out).toMatch(/✅ PostgreSQL ok/);
  expect(out).toMatch(
    /Scheduled jobs — 1 suspended, 1 failed, 0 stuck, 1 overdue, \d+ total in 3 projects/,
  );
  expect(out).toMatch(/user id: 1\nchat id: 1\nrole: operator/);
  // Warnings and errors are pino JSON lines (level 40 and up): none in a clean demo.
  expect(out).not.toMatch(/"level":[4-6]\d/);
}, 90_000);
