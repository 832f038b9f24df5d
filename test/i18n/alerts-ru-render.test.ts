// Alert messages in Russian from plain data: plural forms in digests, every watcher kind's
// message, the summary for alerts without facts, and Telegram's 4096 limit with "и ещё N"
// for the longest Russian digest.
import { describe, expect, it } from "vitest";
import { ALERT_KINDS } from "../../src/alerts/kinds.js";
import type { Job } from "../../src/checks/listings/jobs.js";
import { evaluateRules } from "../../src/alerts/rules.js";
import type { NotifiedAlert, Silence } from "../../src/alerts/types.js";
import { MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import { alertText } from "../../src/bot/render/alert-text.js";
import {
  renderAckedNote,
  renderNotification,
  renderOpenAlerts,
} from "../../src/bot/render/alerts.js";
import { createTranslator } from "../../src/i18n/catalogue.js";
import { RULES } from "../kit/alerts.js";

const ru = createTranslator("ru");
const en = createTranslator("en");
const NOW = new Date("2026-12-01T06:00:00Z");
const SINCE = "2026-12-01T05:45:00Z";

/** A long job name and a long Cyrillic error: the widest line a digest can hold. */
const failedJob = (i: number): NotifiedAlert => {
  const job = `ежедневная_выгрузка_счетов_в_хранилище_отчётов_${"ж".repeat(40)}_${i}`;
  return {
    fingerprint: `job_failed:p1:${job}`,
    kind: "job_failed",
    summary: `job ${job} failed`,
    facts: { job, project: "ЛабПикс Продакшн", error: "ошибка ".repeat(40).trim() },
    firingSince: SINCE,
  };
};

const title = (text: string) => text.split("\n")[0];

describe("a digest in Russian", () => {
  it.each([
    [1, "Сработал 1 алерт", "Прошёл 1 алерт", "Всё ещё горит 1 алерт"],
    [2, "Сработали 2 алерта", "Прошли 2 алерта", "Всё ещё горят 2 алерта"],
    [5, "Сработало 5 алертов", "Прошло 5 алертов", "Всё ещё горят 5 алертов"],
    [21, "Сработал 21 алерт", "Прошёл 21 алерт", "Всё ещё горит 21 алерт"],
    // Numbers in the locale's digits (a no-break space between thousands), plural by the last.
    [
      1234,
      "Сработали 1\u00a0234 алерта",
      "Прошли 1\u00a0234 алерта",
      "Всё ещё горят 1\u00a0234 алерта",
    ],
  ])("counts %i alerts in the language's plural form", (n, firing, resolved, repeat) => {
    const alerts = Array.from({ length: n }, (_, i) => failedJob(i));
    expect(title(renderNotification(ru, "firing", alerts, NOW))).toContain(`<b>${firing}</b>`);
    expect(title(renderNotification(ru, "resolved", alerts, NOW))).toContain(`<b>${resolved}</b>`);
    expect(title(renderNotification(ru, "repeat", alerts, NOW))).toContain(`<b>${repeat}</b>`);
  });

  it("names severities in Russian and keeps kinds, fingerprints and job names as they are", () => {
    const critical: NotifiedAlert = {
      fingerprint: "api_down",
      kind: "api_down",
      summary: "API /health unhealthy: 503",
      facts: { error: "503" },
      firingSince: SINCE,
    };
    const text = renderNotification(ru, "firing", [critical, failedJob(1)], NOW);
    expect(title(text)).toBe("🔥 <b>Сработали 2 алерта</b> · 🔴 критичных: 1 · 🟡 прочих: 1");
    expect(text).toContain("api_down ×1 · job_failed ×1");
    expect(text).toContain("<code>api_down</code> API нездоров (/health): 503 (уже 15 мин)");
    expect(text).toContain(
      `<code>${failedJob(1).fingerprint}</code> задача ${failedJob(1).facts!.job} [ЛабПикс Продакшн] упала: ошибка`,
    );
  });

  it("holds 4096 characters and says 'и ещё N' for hundreds of alerts with long names", () => {
    const alerts = Array.from({ length: 400 }, (_, i) => failedJob(i));
    for (const note of [undefined, renderAckedNote(ru, "@очень_длинное_имя_дежурного", NOW)]) {
      const text = renderNotification(ru, "firing", alerts, NOW, note);
      expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      const shown = text.split("\n").filter((line) => line.startsWith("• ")).length;
      expect(shown).toBeGreaterThan(0);
      expect(text).toContain(`<i>и ещё ${400 - shown}</i>`);
      expect(text).not.toContain("more");
      if (note) expect(text.endsWith(note)).toBe(true);
    }
  });

  it("holds 4096 characters in /alerts with as many alerts and silences", () => {
    const alerts = Array.from({ length: 400 }, (_, i) => ({
      ...failedJob(i),
      firingSince: new Date(SINCE),
      ackedBy: "@очень_длинное_имя_дежурного",
    }));
    const silences: Silence[] = Array.from({ length: 200 }, (_, i) => ({
      matcher: `job_failed:p1:очень_длинный_ключ_${i}`,
      startsAt: NOW,
      until: new Date(NOW.getTime() + 3_600_000),
      createdBy: "@очень_длинное_имя_дежурного",
    }));
    const text = renderOpenAlerts(ru, alerts, silences, NOW);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain("<b>Горит: 400</b>");
    expect(text).toContain("<b>Заглушено (200)</b>");
    expect(text.match(/<i>и ещё \d+<\/i>/g)).toHaveLength(2);
  });
});

describe("an alert's text", () => {
  it("has a message in both languages for every watcher kind", () => {
    const kinds = Object.keys(ALERT_KINDS).filter((kind) => kind !== "am");
    // Every fact any rule gives; an unknown case picks a message's default variant.
    const named = (names: string[], value: string | number) =>
      names.map((name) => [name, value === "" ? name : value] as const);
    const facts = Object.fromEntries([
      ...named(["case", "job", "project", "error", "id", "name", "connector", "status"], ""),
      ...named(["check", "cause", "session", "blockers", "query", "dir", "file"], ""),
      ...named(["previous", "url", "alertname"], ""),
      ...named(["used", "max", "overdue", "minutes", "hours", "percent", "pending"], 7),
      ...named(["fileBytes", "previousBytes"], 2048),
      ...named(["startedAt", "dueAt", "syncedAt", "lastRunAt", "finishedAt", "errorAt"], SINCE),
      ...named(["lastAt"], SINCE),
    ]);
    for (const lang of [en, ru]) {
      for (const kind of kinds) {
        const text = alertText(lang, { kind, summary: "SUMMARY", facts });
        expect(text, `${lang.locale} ${kind}`).not.toContain("SUMMARY");
        expect(text, `${lang.locale} ${kind}`).not.toMatch(/alert-|\{\$/);
      }
    }
  });

  it("is written from the facts the rules give, in English as the summary says it", () => {
    const job: Job = {
      projectId: "p1",
      project: "labpics",
      jobType: "sync_signals",
      status: "active",
      lastStatus: "failed",
      lastRunAt: null,
      nextRunAt: null,
      lastError: "timeout <5s>",
      startedAt: null,
      failed: true,
      overdue: false,
      suspended: false,
      stuck: false,
    };
    const { alerts } = evaluateRules(
      {
        postgres: { status: "ok", latencyMs: 1, connections: { used: 95, max: 100 } },
        jobs: [job],
      },
      { pg_connections_high: 1 },
      RULES,
    );
    const failed = alerts.find((a) => a.kind === "job_failed")!;
    expect(alertText(en, failed)).toBe("job sync_signals [labpics] failed: timeout &lt;5s&gt;");
    expect(alertText(ru, failed)).toBe("задача sync_signals [labpics] упала: timeout &lt;5s&gt;");
    const busy = alerts.find((a) => a.kind === "pg_connections_high")!;
    expect(alertText(ru, busy)).toBe("соединений с PostgreSQL: 95 из 100");
  });

  it("is the summary, as it came, for Alertmanager's alerts and rows stored before facts", () => {
    const am = { kind: "am", summary: "Disk <90%> full on db-1" };
    expect(alertText(ru, am)).toBe("Disk &lt;90%&gt; full on db-1");
    expect(alertText(ru, { kind: "job_failed", summary: "job x failed" })).toBe("job x failed");
    // Facts short of what the message takes (another version's): the summary, not an error.
    expect(alertText(ru, { kind: "job_failed", summary: "job x failed", facts: {} })).toBe(
      "job x failed",
    );
    // A kind of a later version, facts and all: its summary, not an error.
    expect(alertText(ru, { kind: "disk_full", summary: "disk full", facts: { x: 1 } })).toBe(
      "disk full",
    );
  });
});
