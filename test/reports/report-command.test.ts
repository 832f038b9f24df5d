// /report through the real webhook, and REPORT_CRON's post from two replicas, over the
// scripted week (scripted-week.ts) on its fixed clock, against the fake Bot API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFUSAL } from "../kit/english.js";
import { renderReport } from "../../src/bot/render/report.js";
import { MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import type { Clock } from "../../src/clock.js";
import { createTranslator } from "../../src/i18n/catalogue.js";
import { buildReport } from "../../src/reports/build-report.js";
import { NEVER_CRON } from "../kit/alerts.js";
import { buildTestApp, type TestApp } from "../kit/build-test-app.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { createUpdates, STRANGER, TEAM_GROUP, VIEWER } from "../kit/updates.js";
import {
  insertEvents,
  insertFlapMarks,
  insertSilences,
  REPORT_NOW,
  REPORT_TZ,
  SCRIPTED_WEEK,
} from "./scripted-week.js";

const clock: Clock = { now: () => REPORT_NOW };
const updates = createUpdates(120_000);
const ENV = {
  WATCH_CRON: NEVER_CRON,
  REPORT_CRON: NEVER_CRON,
  ONCALL_TZ: REPORT_TZ,
  ALERT_CHAT_ID: String(TEAM_GROUP.id),
};
let database: TestDatabase;
let fake: FakeBotApi;
let t: TestApp;

beforeAll(async () => {
  database = await createTestDatabase({ migrated: true });
  fake = await startFakeBotApi();
  t = await buildTestApp({ clock, database, fake, env: ENV });
  await insertEvents(t.pool, SCRIPTED_WEEK);
  await insertFlapMarks(t.pool);
  await insertSilences(t.pool);
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
  await database?.drop();
});

async function send(text: string, from = VIEWER) {
  fake.reset();
  const res = await t.post(updates.message(text, { from }));
  expect(res.status).toBe(200);
  return {
    texts: fake.callsTo("sendMessage").map((c) => String(c.params.text)),
    photos: fake.callsTo("sendPhoto"),
  };
}

const photoOf = (call: { params: Record<string, unknown> }) =>
  call.params.photo as { name: string; content: Buffer };

describe("/report", () => {
  it("gives the week's figures, then the chart of pages per day as a PNG photo", async () => {
    const { texts, photos } = await send("/report");
    expect(texts).toHaveLength(1);
    const [text] = texts;
    expect(text).toContain("On-call report: the last 7 days");
    expect(text).toContain("2030-06-03 13:00 Europe/Moscow — 2030-06-10 13:00 Europe/Moscow");
    expect(text).toContain("5 pages, 3 outside working hours");
    // report.test.ts works these out: 5 and 8.8 min; 45.5 and 102 min (whole minutes shown).
    expect(text).toContain("MTTA (page → ack): p50 5m, p90 8m · 4 acked");
    expect(text).toContain("MTTR (fire → resolve): p50 45m, p90 1h 42m · 4 resolved");
    expect(text).toContain("• <code>job_failed</code> ×5\n• <code>api_down</code> ×3");
    expect(text).toContain("• <code>job_failed:p:sync</code> — marked flapping 2 times");
    expect(text).toContain(
      "• <code>connector_stale:*</code> until 2030-06-16 13:00 Europe/Moscow (7d 0h), by Ann",
    );
    // The scripted week is events alone: the incident record, asked, has none.
    expect(text).toContain("🚨 0 incidents");
    expect(photos).toHaveLength(1);
    const photo = photoOf(photos[0]!);
    expect(photo.name).toBe("report-7d.png");
    expect(photo.content.subarray(1, 4).toString()).toBe("PNG");
    expect(photos[0]!.params.caption).toBe("Pages per day, the last 7 days");
  });

  it("reaches back 30 days with 30d", async () => {
    const { texts, photos } = await send("/report 30d");
    expect(texts[0]).toContain("On-call report: the last 30 days");
    expect(texts[0]).toContain("6 pages, 3 outside working hours");
    expect(photoOf(photos[0]!).name).toBe("report-30d.png");
  });

  it("answers in the caller's language", async () => {
    const { texts } = await send("/report", { ...VIEWER, language_code: "ru" });
    expect(texts[0]).toContain("Сводка дежурств за 7 дней");
    expect(texts[0]).toContain("5 вызовов дежурного, в нерабочее время: 3");
    expect(texts[0]).toContain("03.06.2030 13:00 Europe/Moscow");
  });

  it("answers a bad argument with the usage alone, and a stranger with the refusal", async () => {
    for (const bad of ["/report 90d", "/report 7d 30d", "/report <b>"]) {
      const { texts, photos } = await send(bad);
      expect(texts).toEqual([
        "Usage: /report [7d|30d] — the on-call report over the last 7 days (default) or 30 days.",
      ]);
      expect(photos).toEqual([]);
    }
    const { texts, photos } = await send("/report", STRANGER);
    expect(texts).toEqual([REFUSAL]);
    expect(photos).toEqual([]);
  });

  it("keeps within 4096 characters whatever the alerts are called", async () => {
    const deps = { pool: t.pool, tz: REPORT_TZ, countIncidents: () => Promise.resolve(12_345) };
    const report = await buildReport(deps, "7d", REPORT_NOW);
    const long = (s: string) => `${s}:${"x".repeat(3000)}`;
    const huge = {
      ...report,
      noisiestAlerts: report.noisiestAlerts.map((a) => ({
        ...a,
        fingerprint: long(a.fingerprint),
      })),
      flapping: report.flapping.map((f) => ({ ...f, fingerprint: long(f.fingerprint) })),
    };
    // What was cut is counted in the reader's language.
    const more = { en: /<i>\+\d+ more<\/i>$/, ru: /<i>и ещё \d+<\/i>$/ };
    for (const locale of ["en", "ru"] as const) {
      const text = renderReport(huge, createTranslator(locale));
      expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(text).toMatch(more[locale]);
    }
  });
});

describe("REPORT_CRON", () => {
  it("posts the week's report to the alert group once, from two replicas, in BOT_LOCALE", async () => {
    const env = { ...ENV, BOT_LOCALE: "ru" };
    const replicas = [
      await buildTestApp({ clock, database, fake, env }),
      await buildTestApp({ clock, database, fake, env }),
    ];
    try {
      fake.reset();
      const slot = new Date("2030-06-10T07:00:00Z"); // Monday 10:00 Moscow time
      const outcomes = await Promise.all(replicas.map((r) => r.app.reportSchedule!.postSlot(slot)));
      expect(outcomes.sort()).toEqual(["posted", "skipped"]);
      expect(await replicas[0]!.app.reportSchedule!.postSlot(slot)).toBe("skipped");

      const texts = fake.callsTo("sendMessage");
      expect(texts).toHaveLength(1);
      expect(texts[0]!.params.chat_id).toBe(TEAM_GROUP.id);
      expect(String(texts[0]!.params.text)).toContain("Сводка дежурств за 7 дней");
      const photos = fake.callsTo("sendPhoto");
      expect(photos).toHaveLength(1);
      expect(Number(photos[0]!.params.chat_id)).toBe(TEAM_GROUP.id);
      expect(photos[0]!.params.caption).toBe("Вызовы дежурного по дням за последние 7 дней");
    } finally {
      for (const replica of replicas) await replica.close();
    }
  });

  it("is off when empty", async () => {
    const off = await buildTestApp({ clock, database, fake, env: { ...ENV, REPORT_CRON: "" } });
    try {
      expect(off.app.reportSchedule).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});
