import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { spawnBot, type SpawnedBot } from "../kit/spawn-bot.js";

describe("console demo: /runs with its chart, /pg, /backups", () => {
  let bot: SpawnedBot | undefined;
  afterEach(() => {
    bot?.child.kill("SIGKILL");
    bot = undefined;
  });

  it("saves the chart as a PNG, prints its path and a sparkline; /pg degrades on PGlite", async () => {
    bot = spawnBot({ API_HEALTH_URL: "http://127.0.0.1:9/health" });
    bot.child.stdin!.end("/runs loops_contacts_sync\n/pg\n/backups\n");
    const { code } = await bot.exited;
    const out = bot.stdout();
    expect(code).toBe(0);

    const path = /🖼 (\S+\.png)/.exec(out)?.[1];
    expect(path).toBeDefined();
    expect(existsSync(path!)).toBe(true);
    expect(readFileSync(path!).subarray(1, 4).toString()).toBe("PNG");
    expect(out).toMatch(/loops_contacts_sync: \d+ runs in 7 days, 1 failed.*\n[▁▂▃▄▅▆▇█]+\n/);
    // PGlite reports no sessions; every part still answers.
    expect(out).toContain("no sessions reported");
    expect(out).toMatch(/Size\ndatabase \d/);
    // The demo's backup directory: the newest dump cut short.
    expect(out).toMatch(/Backups in \S+opsbot-demo-backups-\S+ — 5 kept/);
    expect(out).toMatch(
      /🔴 backup_stale: backup labpics_\S+ \(45\.0 KB\) is not a whole dump: the gzip stream ends early/,
    );
  }, 90_000);
});
