// Russian as the team reads it: plural forms by the language's rules, and the longest
// Russian lists still within Telegram's 4096 characters, cut with "и ещё N".
import { describe, expect, it } from "vitest";
import { MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import { renderJobs } from "../../src/bot/render/jobs.js";
import { renderStuck } from "../../src/bot/render/stuck.js";
import { renderSync } from "../../src/bot/render/sync.js";
import type { Job } from "../../src/checks/listings/jobs.js";
import type { StuckRun } from "../../src/checks/listings/stuck.js";
import type { ConnectorSync } from "../../src/checks/listings/sync.js";
import { createTranslator } from "../../src/i18n/catalogue.js";

const RU = createTranslator("ru");
const NOW = new Date("2026-12-01T00:00:00Z");
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const shownRows = (text: string) =>
  (text.match(/<pre>([\s\S]*)<\/pre>/)?.[1] ?? "").split("\n").length - 1;
// Russian writes thousands with a no-break space: "и ещё 2 950".
const more = (text: string) =>
  Number(/и ещё ([\d\u00a0]+)/.exec(text)?.[1]?.replace(/\u00a0/g, "") ?? 0);

describe("Russian plurals", () => {
  it.each([
    [1, "1 упала", "1 подключение", "в 1 проекте"],
    [2, "2 упали", "2 подключения", "в 2 проектах"],
    [5, "5 упало", "5 подключений", "в 5 проектах"],
    [21, "21 упала", "21 подключение", "в 21 проекте"],
  ])("%i: %s, %s, %s", (n, failed, connections, projects) => {
    expect(RU.t("jobs-count-failed", { n })).toBe(failed);
    expect(RU.t("health-sse-connections", { n })).toBe(connections);
    expect(RU.t("jobs-count-total-in-projects", { n: 100, projects: n })).toBe(
      `всего 100 ${projects}`,
    );
  });

  it("writes a count's thousands as Russian does", () => {
    expect(RU.t("format-more", { n: 2950 })).toBe("и ещё 2\u00a0950");
  });
});

describe("the longest Russian lists fit one message", () => {
  it("/jobs: 3000 failed jobs with long errors, every one shown or counted", () => {
    const jobs: Job[] = Array.from({ length: 3000 }, (_, i) => ({
      projectId: `p${i % 200}`,
      project: `Проект номер ${i % 200} с длинным названием`,
      jobType: `connectors_reconciliation_${i}`,
      status: i % 2 === 0 ? "paused" : "suspended",
      lastStatus: "failed",
      lastRunAt: ago(i),
      nextRunAt: ago(-i),
      lastError: "очень длинная ошибка подключения к внешнему сервису ".repeat(3),
      startedAt: null,
      failed: true,
      overdue: true,
      suspended: i % 2 === 1,
      stuck: true,
    }));
    const text = renderJobs(jobs, NOW, RU);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain("всего 3\u00a0000 в 200 проектах");
    expect(text).toContain(RU.t("jobs-legend"));
    // Each job is a row and its error another: rows shown plus "и ещё N" are all of them.
    expect(shownRows(text) + more(text)).toBe(6000);
    expect(more(text)).toBeGreaterThan(0);
  });

  it("/stuck: 500 runs of 1000, with failed processes, orphans and the SQL", () => {
    const runs: StuckRun[] = Array.from({ length: 500 }, (_, i) => ({
      kind: i % 2 === 0 ? "worker" : "process",
      id: 100_000 + i,
      name: `embeddings_run_${i}`,
      projectId: i % 2 === 0 ? "p" : null,
      project: i % 2 === 0 ? "Проект с очень длинным названием" : null,
      startedAt: ago(3 * 24 * 60 + i),
    }));
    const text = renderStuck(
      {
        runs,
        total: 1000,
        failedProcesses: {
          failed: Array.from({ length: 20 }, (_, i) => ({
            name: `import_${i}`,
            project: "Проект",
            failedAt: ago(i),
            error: "не удалось прочитать ответ внешнего сервиса",
          })),
          total: 40,
        },
      },
      30,
      NOW,
      RU,
    );
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toMatch(/^<b>Зависшие запуски<\/b> — 1\u00a0000 идут дольше 30 мин/);
  });

  it("/sync: 600 connectors in one message with the Russian counts", () => {
    const connectors: ConnectorSync[] = Array.from({ length: 600 }, (_, i) => ({
      projectId: `p${i % 200}`,
      project: `Проект ${i % 200}`,
      connector: ["chatwoot", "linear", "attio"][i % 3]!,
      lastStatus: "failed",
      lastSyncedAt: ago(i),
      lastAttemptAt: ago(i),
      lastError: "токен истёк, переподключите интеграцию",
      failed: true,
      partial: false,
      stuck: false,
      idle: false,
      mock: false,
      stale: true,
    }));
    const text = renderSync(connectors, NOW, RU);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain("упало 600, частично 0, устарело 600, без синка 0, всего 600");
    expect(shownRows(text) + more(text)).toBe(1200);
  });
});
