// /oncall and /oncall take through the real webhook, and the handover announcement: once
// per shift across two replicas, naming who is on call until when and the open alerts.
import { afterEach, describe, expect, it } from "vitest";
import { REFUSAL } from "../kit/english.js";
import { buildTestApp, type TestApp } from "../kit/build-test-app.js";
import { messagesTo } from "../kit/alerts.js";
import { createFakeClock, HOUR, MINUTE } from "../kit/fake-clock.js";
import { startFakeBotApi } from "../kit/fake-bot-api.js";
import { createTestDatabase } from "../kit/postgres.js";
import {
  createUpdates,
  OPERATOR,
  privateChat,
  SECOND_OPERATOR,
  TEAM_GROUP,
  VIEWER,
} from "../kit/updates.js";
import { insertFiringAlert } from "../kit/rows.js";

const updates = createUpdates(95_000);
// 2026-11-28 is a Saturday; daily handovers at 09:00 Moscow time (06:00 UTC).
const START = new Date("2026-11-28T12:00:00Z");
const ENV = {
  ALERT_CHAT_ID: String(TEAM_GROUP.id),
  WATCH_CRON: "0 0 1 1 *",
  ONCALL_ROTA: `${OPERATOR.id},${VIEWER.id}`,
  ONCALL_SHIFT: "daily 09:00",
  ONCALL_TZ: "Europe/Moscow",
};

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

async function shared() {
  const database = await createTestDatabase({ migrated: true });
  const fake = await startFakeBotApi();
  open.push({ close: () => fake.close() }, { close: () => database.drop() });
  return { database, fake };
}

async function build(options: Parameters<typeof buildTestApp>[0] & object) {
  const t = await buildTestApp({ ...options, env: { ...ENV, ...options.env } });
  open.push(t);
  return t;
}

async function ask(t: TestApp, text: string, from = OPERATOR) {
  t.fake.reset();
  await t.post(updates.message(text, { from }));
  return messagesTo(t.fake, privateChat(from).id).map((m) => m.text);
}

const overrides = async (t: TestApp) =>
  (await t.pool.query<{ user_id: number }>("SELECT user_id FROM opsbot.oncall_overrides")).rows;

describe("/oncall", () => {
  it("says who is on call until when and who is next; take is for operators, with a valid DURATION", async () => {
    const clock = createFakeClock(START);
    const { database, fake } = await shared();
    const t = await build({ clock, database, fake });
    const [now] = await ask(t, "/oncall", VIEWER);
    expect(now).toMatch(/On call<\/b>: <a href="tg:\/\/user\?id=(1001|2002)">/);
    expect(now).toContain("until 2026-11-29 09:00 Europe/Moscow");
    expect(now).toMatch(/Next: <a href="tg:\/\/user\?id=(1001|2002)">/);

    // A viewer may ask but not take; a bad DURATION is refused; nothing is stored.
    expect(await ask(t, "/oncall take", VIEWER)).toEqual([REFUSAL]);
    for (const bad of ["/oncall take 5x", "/oncall take 0m", "/oncall take 40d"]) {
      const [answer] = await ask(t, bad);
      expect(answer).toMatch(/^⛔/);
    }
    expect((await ask(t, "/oncall grab"))[0]).toMatch(/^Usage: \/oncall/);
    expect(await overrides(t)).toEqual([]);

    // An operator takes it for 2h: answered, announced in the alert group, stored.
    t.fake.reset();
    await t.post(updates.message("/oncall take 2h", { from: SECOND_OPERATOR }));
    const [taken] = messagesTo(t.fake, privateChat(SECOND_OPERATOR).id);
    expect(taken!.text).toContain(
      `<a href="tg://user?id=${SECOND_OPERATOR.id}">Omar (1002)</a> took`,
    );
    expect(taken!.text).toContain("until 2026-11-28 17:00 Europe/Moscow");
    // (The paging loop may announce the shift's handover meanwhile: not this test's concern.)
    const announced = messagesTo(t.fake).filter((m) => !m.text.includes("Handover"));
    expect(announced.map((m) => m.text)).toEqual([taken!.text]);

    // A second replica (or a restart) agrees.
    const other = await build({ clock, database, fake });
    const [seen] = await ask(other, "/oncall", VIEWER);
    expect(seen).toContain(`id=${SECOND_OPERATOR.id}">Omar (1002)</a> until 2026-11-28 17:00`);
    expect(seen).toContain("Override: taken with /oncall take");

    // Without DURATION: until the next handover; after it, the rota again.
    clock.advance(3 * HOUR);
    await t.post(updates.message("/oncall take", { from: OPERATOR }));
    expect((await ask(t, "/oncall"))[0]).toContain("@olga_ops</a> until 2026-11-29 09:00");
    clock.set(new Date("2026-11-29T06:00:00Z"));
    expect((await ask(t, "/oncall"))[0]).not.toContain("Override");
  });

  it("says so without a rota", async () => {
    const t = await build({ env: { ONCALL_ROTA: "" } });
    expect(await ask(t, "/oncall")).toEqual([
      "No on-call rota: set ONCALL_ROTA (see docs/paging.md).",
    ]);
  });
});

describe("handovers", () => {
  it("are announced once per shift across two replicas, with who is on call until when and the open alerts", async () => {
    const clock = createFakeClock(START);
    const { database, fake } = await shared();
    const a = await build({ clock, database, fake });
    const b = await build({ clock, database, fake });
    const runBoth = () => Promise.all([a.app.paging!.run(), b.app.paging!.run()]);
    await runBoth();
    await runBoth();
    const first = messagesTo(fake).filter((m) => m.text.includes("Handover"));
    expect(first).toHaveLength(1);
    expect(first[0]!.text).toContain("is on call until 2026-11-29 09:00 Europe/Moscow");
    expect(first[0]!.text).toContain("Open alerts: none.");

    await insertFiringAlert(a.pool, {
      kind: "api_down",
      source: "api",
      summary: "API down",
      firingSince: clock.now(),
    });
    clock.set(new Date("2026-11-29T06:00:00Z"));
    await runBoth();
    clock.advance(MINUTE);
    await runBoth();
    const both = messagesTo(fake).filter((m) => m.text.includes("Handover"));
    expect(both).toHaveLength(2);
    expect(both[1]!.text).toContain("until 2026-11-30 09:00 Europe/Moscow");
    expect(both[1]!.text).toContain("Open alerts: 1.");
    // Each names the other person of the rota of two.
    const person = (text: string) => /id=(\d+)/.exec(text)?.[1];
    expect(person(both[0]!.text)).not.toBe(person(both[1]!.text));
  });
});
