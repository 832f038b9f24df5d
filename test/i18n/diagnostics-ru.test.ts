// /runs, /pg and /backups in Russian: through the real webhook for a viewer whose Telegram
// speaks Russian, then on plain data for the locale's number separators and for the longest
// Russian answers, which must still fit one message with what was cut counted.
import type { User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import { renderBackups } from "../../src/bot/render/backups.js";
import { renderPg } from "../../src/bot/render/pg.js";
import { renderRunChartCaption, renderRunsSummary } from "../../src/bot/render/runs.js";
import type { PgActivity, PgSession } from "../../src/checks/listings/pg-activity.js";
import type { JobRunStats, RunRow } from "../../src/checks/listings/runs.js";
import { createTranslator } from "../../src/i18n/catalogue.js";
import type { TestApp } from "../kit/build-test-app.js";
import { HOUR } from "../kit/fake-clock.js";
import {
  DIAGNOSTICS_NOW as NOW,
  startDiagnosticsApp,
  type DiagnosticsApp,
} from "../kit/diagnostics-app.js";
import { createUpdates, VIEWER } from "../kit/updates.js";

const ru = createTranslator("ru");
const RU_VIEWER: User = { ...VIEWER, language_code: "ru" };
/** Intl's Russian digit-group separator: a no-break space ("1 000"). */
const NBSP = "\u00a0";

/** How many lines a cut message left out, from its last Russian note ("и ещё N"). */
const cutCount = (text: string) => {
  expect(text).not.toMatch(/\d+ more/);
  const notes = [...text.matchAll(/<i>и ещё ([\d\u00a0]+)<\/i>/g)];
  return Number(notes.at(-1)?.[1]?.replace(/\D/g, "") ?? 0);
};

describe("diagnostics through the webhook, for a Russian-speaking viewer", () => {
  const updates = createUpdates(976_000);
  let diagnostics: DiagnosticsApp | undefined;
  let t: TestApp;
  let backupDir: string;

  beforeAll(async () => {
    diagnostics = await startDiagnosticsApp();
    ({ t, backupDir } = diagnostics);
  });
  afterAll(() => diagnostics?.close());

  async function send(text: string) {
    t.fake.reset();
    expect((await t.post(updates.message(text, { from: RU_VIEWER }))).status).toBe(200);
    return {
      texts: t.fake.callsTo("sendMessage").map((c) => String(c.params.text)),
      captions: t.fake.callsTo("sendPhoto").map((c) => String(c.params.caption)),
    };
  }

  it("/runs: the summary, one job's runs and the chart's caption", async () => {
    const { texts: summary } = await send("/runs");
    expect(summary[0]).toMatch(
      /^<b>Запуски воркеров<\/b> — запуски, доля успешных, p50\/p95 длительности\n<pre>задача\s+24 ч\s+ок\s+p50\s+p95\s+7 д\s+ок\s+p50\s+p95\n/,
    );
    expect(summary[0]).toContain("<b>Последние ошибки</b>\n• 1 д 6 ч назад <code>digest</code>");

    const { texts, captions } = await send("/runs digest");
    expect(texts[1]).toMatch(
      /^<b>Последние 20 запусков<\/b> <code>digest<\/code>\n<pre>\s+начат\s+длился\s+id\n/,
    );
    expect(texts[1]).toMatch(/\n✅ ок {2}❌ ошибка {2}🔄 идёт$/);
    expect(captions[0]).toMatch(
      /^<code>digest<\/code>: 28 запусков за 7 дней, с ошибкой — 1\. Длительность по времени старта; ❌ ошибки — красные треугольники\.\n/,
    );
    expect((await send("/runs a b c")).texts).toEqual([
      "Формат: /runs [JOB] [PROJECT] — история запусков всех задач или одной (с графиком).",
    ]);
  });

  it("/pg and /backups", async () => {
    const [pg] = (await send("/pg")).texts;
    expect(pg).toMatch(
      /^🐘 <b>PostgreSQL<\/b> <i>тексты запросов без литералов<\/i>\n<b>Подключения<\/b>\n\d+ из max_connections \d+/,
    );
    for (const part of ["Самые долгие запросы", "Заблокированные сессии", "Размер"])
      expect(pg).toContain(`<b>${part}</b>`);

    const [backups] = (await send("/backups")).texts;
    expect(backups).toBe(
      [
        `💾 <b>Бэкапы</b> в <code>${backupDir}</code>: хранится 1, всего 4,0 КБ`,
        "Последний: <code>labpics_20261128_030000.sql.gz</code> — 9 ч 0 мин назад, 4,0 КБ",
        // Zeros are no gzip: judged damaged (the checker's own detail stays as it reports it).
        "🔴 <b>backup_stale</b>: бэкап labpics_20261128_030000.sql.gz (4,0 КБ) — неполный дамп: not a valid gzip file (incorrect header check)",
      ].join("\n"),
    );
  });
});

describe("numbers in Russian", () => {
  it("carry the locale's separators: counts of backups, runs and connections", () => {
    const files = [{ name: "db.sql.gz", bytes: 1536 * 1024 ** 2, modifiedAt: NOW }];
    const backups = renderBackups(
      { configured: true, dir: "/b", files, count: 1200, checkedAt: NOW, unreadable: 0 },
      26,
      ru,
    );
    expect(backups.split("\n")[0]).toBe(
      `💾 <b>Бэкапы</b> в <code>/b</code>: хранится 1${NBSP}200, 1,5 ГБ в последних 1`,
    );

    const columns = [
      { column: 0, status: "ok", startedAt: NOW, runs: 20_160, shortest: 1, longest: 9 },
    ];
    const week = { columns, since: NOW, cut: true };
    expect(renderRunChartCaption("embed", { last: [], week }, ru).split("\n")[0]).toBe(
      `<code>embed</code>: последние 20${NBSP}160 запусков, с 28.11.2026 12:00 UTC (за неделю их больше), с ошибкой — 0. Длительность по времени старта; ❌ ошибки — красные треугольники.`,
    );

    const pg = renderPg(
      {
        connections: {
          ok: true,
          value: { byState: [{ state: "active", count: 1500 }], total: 1500, max: 2000 },
        },
        longest: { ok: true, value: [] },
        blocked: { ok: true, value: { blocked: [], blockers: [] } },
        idleInTransaction: { ok: true, value: [] },
        sizes: { ok: false, error: "нет прав" },
      },
      ru,
    );
    expect(pg).toContain(`1${NBSP}500 из max_connections 2${NBSP}000 (75%): active 1500`);
    expect(pg).toContain("<b>Размер</b> <i>недоступно: нет прав</i>");
  });

  it("choose the plural form: 1 запуск, 2 запуска, 5 запусков, 21 запуск", () => {
    const caption = (runs: number) =>
      renderRunChartCaption(
        "j",
        {
          last: [],
          week: {
            columns: [{ column: 0, status: "ok", startedAt: NOW, runs, shortest: 1, longest: 1 }],
            since: NOW,
            cut: false,
          },
        },
        ru,
      ).split(",")[0];
    expect([1, 2, 5, 21].map(caption)).toEqual([
      "<code>j</code>: 1 запуск за 7 дней",
      "<code>j</code>: 2 запуска за 7 дней",
      "<code>j</code>: 5 запусков за 7 дней",
      "<code>j</code>: 21 запуск за 7 дней",
    ]);
  });
});

describe("the longest Russian answers fit one message", () => {
  it("/runs with 3000 jobs: shown rows and the counted rest add up", () => {
    const jobs: JobRunStats[] = Array.from({ length: 3000 }, (_, i) => ({
      jobType: `connectors_reconciliation_${i}_weekly_full`,
      project: `Проект с длинным названием ${i}`,
      day: { runs: 1440, ok: 1400, failed: 40, p50: 125, p95: 599 },
      week: { runs: 10_080, ok: 10_000, failed: 80, p50: 125, p95: 599 },
    }));
    const failures: RunRow[] = Array.from({ length: 5 }, (_, i) => ({
      id: 1_000_000 + i,
      jobType: "connectors_reconciliation_weekly",
      project: "Проект",
      status: "failed",
      startedAt: new Date(NOW.getTime() - 3 * HOUR),
      seconds: 12,
      error: "ошибка соединения с базой данных: ".repeat(10),
    }));
    const text = renderRunsSummary(
      { jobs, failures },
      NOW,
      "connectors_reconciliation · Проект",
      ru,
    );
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    const shown = (text.match(/<pre>([\s\S]*)<\/pre>/)?.[1] ?? "").split("\n").length - 1;
    expect(shown).toBeGreaterThan(0);
    expect(shown + cutCount(text)).toBe(jobs.length);
    expect(text).toContain("<b>Последние ошибки</b>");
  });

  it("/pg with every part full: five sessions a part, the rest counted, under the limit", () => {
    const session = (pid: number): PgSession => ({
      pid,
      user: "пользователь_с_длинным_именем",
      application: "приложение-воркер-синхронизации",
      state: "idle in transaction",
      seconds: 86_400 + pid,
      query: `SELECT * FROM очень_длинная_таблица_${pid} WHERE поле = ? `.repeat(10),
      backendStartMs: null,
      queryStartMs: null,
    });
    const sessions = Array.from({ length: 200 }, (_, i) => session(i + 1));
    const activity: PgActivity = {
      connections: {
        ok: true,
        value: { byState: [{ state: "active", count: 200 }], total: 200, max: 200 },
      },
      longest: { ok: true, value: sessions },
      blocked: {
        ok: true,
        value: {
          blocked: sessions.map((s) => ({ ...s, blockedBy: [1, 2, 3] })),
          blockers: sessions,
        },
      },
      idleInTransaction: { ok: true, value: sessions },
      sizes: {
        ok: true,
        value: {
          databaseBytes: 5 * 1024 ** 4,
          tables: Array.from({ length: 10 }, (_, i) => ({
            name: `таблица_событий_${i}`,
            bytes: 1024 ** 3,
          })),
        },
      },
    };
    const text = renderPg(activity, ru);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain("<i>и ещё 195</i>");
    // Lines in full: connections 2, longest 7, blocked 7 + blocking 7, idle 7, size 2. Those
    // that did not fit are counted in the closing note, never dropped silently.
    const shown = text.split("\n").length - 2;
    expect(cutCount(text)).toBeGreaterThan(0);
    expect(shown + cutCount(text)).toBe(32);
  });
});
