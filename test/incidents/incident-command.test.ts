// /incident through the real webhook: none yet, the open one, number N with its timeline and
// a Postmortem button; /incident N md and the button send incident-N.md, which for the
// scripted incident equals the checked-in golden file (English, and Russian for a reader
// whose Telegram speaks Russian). Bad input gets the usage line and changes nothing.
import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFUSAL } from "../kit/english.js";
import { buildAlertApp, buttonData, messagesTo, useApiHealth } from "../kit/alerts.js";
import type { TestApp } from "../kit/build-test-app.js";
import type { RecordedCall } from "../kit/fake-bot-api.js";
import {
  createUpdates,
  OPERATOR,
  privateChat,
  SECOND_OPERATOR,
  STRANGER,
  VIEWER,
} from "../kit/updates.js";
import { PAGING_ENV, pageApiDown, resolveApiDown } from "./helpers.js";
import { playScriptedIncident, scriptClock } from "./scripted-incident.js";

const updates = createUpdates(280_000);
const api = useApiHealth();
const clock = scriptClock();
const RUSSIAN_VIEWER = { ...VIEWER, language_code: "ru" };
const golden = (name: string) => new URL(`golden/${name}`, import.meta.url);

let t: TestApp;
beforeAll(async () => {
  t = await buildAlertApp(api.url, {
    clock,
    env: { ...PAGING_ENV, ONCALL_ROTA: `${OPERATOR.id},${SECOND_OPERATOR.id}` },
  });
});
afterAll(() => t.close());

/** What the bot answered `from` in their private chat after `text`. */
async function ask(text: string, from = VIEWER) {
  t.fake.reset();
  const res = await t.post(updates.message(text, { from }));
  expect(res.status).toBe(200);
  return messagesTo(t.fake, privateChat(from).id);
}

function documentOf(call: RecordedCall): { name: string; text: string } {
  const file = call.params.document as { name: string; content: Buffer };
  return { name: file.name, text: file.content.toString("utf8") };
}

/** Compares with the golden file; UPDATE_GOLDEN=1 writes it instead (then review the diff). */
async function expectGolden(text: string, name: string) {
  if (process.env.UPDATE_GOLDEN === "1") await writeFile(golden(name), text);
  expect(text).toBe(await readFile(golden(name), "utf8"));
}

describe("/incident", () => {
  it("says there was none yet before the first critical page", async () => {
    const [answer] = await ask("/incident");
    expect(answer!.text).toBe("No incident yet: a critical page opens one.");
  });

  it("refuses someone who is not a viewer", async () => {
    expect((await ask("/incident 1", STRANGER)).map((m) => m.text)).toEqual([REFUSAL]);
  });

  it("shows the open incident, then the last closed one's number once it closed", async () => {
    await pageApiDown(t, clock, api);
    const [open] = await ask("/incident");
    expect(open!.text).toContain("Incident #1: API /health");
    expect(open!.text).toContain("open for 0s");
    expect(buttonData(open!)).toEqual(["inc:md:1"]);
    await resolveApiDown(t, clock, api);
    const [closed] = await ask("/incident");
    expect(closed!.text).toBe("No open incident. The last one was #1: /incident 1");
  });

  it("shows number N with its title, alerts and timeline in time order, with a Postmortem button", async () => {
    clock.advance(60 * 60_000);
    await playScriptedIncident(t, clock, api, updates);
    const [shown] = await ask("/incident 2");
    const lag = "<code>am:PgReplicationLag:0000000000000001</code>";
    expect(shown!.text.split("\n")).toEqual([
      "🚨 <b>Incident #2: API /health unhealthy: HTTP 503 (+1 more)</b>",
      "Opened 2026-12-01 03:10 UTC · closed 2026-12-01 03:30 UTC, after 20m",
      "",
      "<b>2 alerts</b>",
      "✅ <code>api_down</code> API /health unhealthy: HTTP 503",
      `✅ ${lag} Replica lags 42 s behind the primary`,
      "",
      "<b>Timeline (UTC)</b>",
      "03:10 <code>api_down</code> fired",
      "03:10 <code>api_down</code> paged",
      `03:13 ${lag} fired`,
      `03:13 ${lag} paged`,
      "03:15 <code>api_down</code> escalated to user 1002 (on call)",
      "03:17 <code>api_down</code> acked by @olga_ops",
      `03:18 ${lag} escalated to user 1002 (on call)`,
      "03:18 Rollback <code>v1.4.2</code> started by @olga_ops",
      `03:19 ${lag} silenced by Omar (1002) until 2026-12-01 04:19 UTC`,
      "03:20 Rollback <code>v1.4.2</code> finished: succeeded",
      "03:22 <code>api_down</code> resolved",
      `03:30 ${lag} resolved`,
    ]);
    expect(buttonData(shown!)).toEqual(["inc:md:2"]);
  });

  it("/incident N md sends incident-N.md, the golden postmortem, and the button sends the same", async () => {
    t.fake.reset();
    await t.post(updates.message("/incident 2 md", { from: VIEWER }));
    const [sent] = t.fake.callsTo("sendDocument");
    expect(Number(sent!.params.chat_id)).toBe(VIEWER.id);
    const document = documentOf(sent!);
    expect(document.name).toBe("incident-2.md");
    await expectGolden(document.text, "incident-2.en.md");

    t.fake.reset();
    await t.post(updates.callback("inc:md:2", { from: VIEWER, chat: privateChat(VIEWER) }));
    expect(t.fake.callsTo("answerCallbackQuery")).toHaveLength(1);
    expect(documentOf(t.fake.callsTo("sendDocument")[0]!)).toEqual(document);

    // The press is authorised again: someone who is not a viewer gets nothing.
    t.fake.reset();
    await t.post(updates.callback("inc:md:2", { from: STRANGER, chat: privateChat(STRANGER) }));
    expect(t.fake.callsTo("sendDocument")).toEqual([]);
    expect(t.fake.callsTo("answerCallbackQuery")).toHaveLength(1);
  });

  it("speaks the reader's language: the postmortem in Russian for a Russian Telegram", async () => {
    t.fake.reset();
    await t.post(updates.message("/incident 2 md", { from: RUSSIAN_VIEWER }));
    const document = documentOf(t.fake.callsTo("sendDocument")[0]!);
    await expectGolden(document.text, "incident-2.ru.md");
    const [shown] = await ask("/incident 2", RUSSIAN_VIEWER);
    expect(shown!.text).toContain("Инцидент #2");
  });

  it("shows times in ONCALL_TZ, the team's clock, in /incident and its postmortem", async () => {
    const moscow = await buildAlertApp(api.url, {
      clock,
      database: t.database,
      env: { ...PAGING_ENV, ONCALL_TZ: "Europe/Moscow" },
    });
    try {
      await moscow.post(updates.message("/incident 2", { from: VIEWER }));
      const [shown] = messagesTo(moscow.fake, privateChat(VIEWER).id);
      expect(shown!.text).toContain(
        "Opened 2026-12-01 06:10 Europe/Moscow · closed 2026-12-01 06:30 Europe/Moscow",
      );
      expect(shown!.text).toContain(
        "<b>Timeline (Europe/Moscow)</b>\n06:10 <code>api_down</code> fired",
      );
      expect(shown!.text).toContain("until 2026-12-01 07:19 Europe/Moscow");
      await moscow.post(updates.message("/incident 2 md", { from: VIEWER }));
      const { text } = documentOf(moscow.fake.callsTo("sendDocument")[0]!);
      expect(text).toContain("| Time (Europe/Moscow) | Event |\n|---|---|\n| 06:10 |");
      expect(text).toContain("succeeded (06:18–06:20 Europe/Moscow)");
      expect(text).not.toContain("UTC");
    } finally {
      await moscow.close();
    }
  });

  it.each(["abc", "0", "2 pdf", "-1", "1 2"])(
    "answers /incident %s with the usage line",
    async (arg) => {
      const [answer] = await ask(`/incident ${arg}`);
      expect(answer!.text).toMatch(/^Usage: \/incident \[N\] \[md\]/);
    },
  );

  it("says when there is no incident N", async () => {
    const [answer] = await ask("/incident 99");
    expect(answer!.text).toBe("No incident #99.");
    t.fake.reset();
    await t.post(updates.callback("inc:md:99", { from: VIEWER, chat: privateChat(VIEWER) }));
    expect(t.fake.callsTo("sendDocument")).toEqual([]);
  });
});
