// Escalation end to end: a critical page, then each ESCALATION step at its time to its
// target (private messages to the person on call and the next one, then the group); an Ack
// (group or private), the resolution or a silence ends the chain; warnings never escalate;
// two replicas send each step once; a restart resumes; a refused private page is said in
// the group. Real webhook, real PostgreSQL, the fake Bot API, a fake clock.
import { afterEach, describe, expect, it } from "vitest";
import { REFUSAL } from "../kit/english.js";
import { shiftAt } from "../../src/oncall/rota.js";
import { parseShiftSpec } from "../../src/oncall/specs.js";
import type { TestApp } from "../kit/build-test-app.js";
import { fingerprintNo, webhookPayload } from "../alertmanager/payloads.js";
import {
  buildAlertApp,
  eventually,
  buttonData,
  insertStuckWorkers,
  messagesTo,
  outbox,
  startBlockingBotApi,
  probeFor,
  tick,
  useApiHealth,
} from "../kit/alerts.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import {
  createUpdates,
  OPERATOR,
  privateChat,
  SECOND_OPERATOR,
  TEAM_GROUP,
  VIEWER,
} from "../kit/updates.js";

const updates = createUpdates(90_000);
const api = useApiHealth();
const ROTA = [OPERATOR.id, SECOND_OPERATOR.id];
const SECOND = 1_000;
const ENV = {
  ONCALL_ROTA: ROTA.join(","),
  ONCALL_SHIFT: "daily 09:00",
  ONCALL_TZ: "Europe/Berlin",
  ESCALATION: "5m:oncall,10m:next,15m:group",
  // The probe loop pages api_down after 2 s of failed probes, a second apart.
  PROBE_SECONDS: "1",
  DOWN_AFTER_SECONDS: "2",
  UP_AFTER_SECONDS: "2",
};

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

async function build(
  clock: ReturnType<typeof createFakeClock>,
  options: { database?: TestDatabase; fake?: FakeBotApi; env?: Record<string, string> } = {},
) {
  const t = await buildAlertApp(api.url, { clock, ...options, env: { ...ENV, ...options.env } });
  open.push(t);
  return t;
}

/** Who the rota has on call at the fake clock's time, and who is next. */
function rotaNow(clock: ReturnType<typeof createFakeClock>) {
  return shiftAt(ROTA, parseShiftSpec("daily 09:00")!, "Europe/Berlin", clock.now());
}

/** api_down pages the group (probes failing for DOWN_AFTER_SECONDS); returns the page's outbox row. */
async function pageApiDown(t: TestApp, clock: ReturnType<typeof createFakeClock>) {
  api.state.healthy = false;
  await probeFor(t, clock, 2 * SECOND, SECOND);
  await t.app.watcher.probe(); // failing for DOWN_AFTER_SECONDS now: the page, at clock.now()
  const row = (await outbox(t.pool)).find((r) => r.fingerprints.includes("api_down"));
  expect(row?.sent_at).toBeTruthy();
  return row!;
}

// A handover may fall within the hour a test moves through; it is no page.
const sentBesidesHandovers = (fake: FakeBotApi) =>
  fake.callsTo("sendMessage").filter((c) => !String(c.params.text).includes("Handover")).length;
const pagesTo = (fake: FakeBotApi, userId: number) => messagesTo(fake, userId);
const groupPages = (fake: FakeBotApi) =>
  messagesTo(fake).filter((m) => m.text.includes("Escalation"));

async function steps(t: TestApp) {
  const { rows } = await t.pool.query<{
    id: number;
    step: number;
    target: string;
    sent_at: Date | null;
    cancelled_at: Date | null;
    recipient: number | null;
    message_id: number | null;
    error: string | null;
  }>(
    "SELECT id, step, target, sent_at, cancelled_at, recipient, message_id, error FROM opsbot.escalation_steps ORDER BY step",
  );
  return rows;
}

/** Moves the clock to `ms` after the page and runs the paging loop. */
async function at(
  t: TestApp | TestApp[],
  clock: ReturnType<typeof createFakeClock>,
  pagedAt: Date,
  ms: number,
) {
  clock.set(new Date(pagedAt.getTime() + ms));
  const apps = Array.isArray(t) ? t : [t];
  await Promise.all(apps.map((a) => a.app.paging!.run()));
}

describe("escalation", () => {
  it("sends each step at its time to its target: on call, next, then the group with sound and mentions", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const t = await build(clock, { env: { RUNBOOK_URL: "https://wiki.example/rb/{kind}" } });
    const { person, next } = rotaNow(clock);
    const page = await pageApiDown(t, clock);
    const pagedAt = clock.now();

    await at(t, clock, pagedAt, 5 * MINUTE - SECOND);
    expect(pagesTo(t.fake, person)).toEqual([]);
    await at(t, clock, pagedAt, 5 * MINUTE);
    const [dm] = pagesTo(t.fake, person);
    expect(dm!.text).toContain("You are paged");
    expect(dm!.text).toContain("api_down");
    expect(dm!.text).toContain("step 1 of 3, unacknowledged for 5m");
    const [step1] = await steps(t);
    expect(buttonData(dm!)).toEqual([`page:${step1!.id}`, undefined]);
    expect(JSON.stringify(dm!.reply_markup)).toContain("https://wiki.example/rb/api_down");

    await at(t, clock, pagedAt, 10 * MINUTE - SECOND);
    expect(pagesTo(t.fake, next)).toEqual([]);
    await at(t, clock, pagedAt, 10 * MINUTE);
    expect(pagesTo(t.fake, next)).toHaveLength(1);
    expect(pagesTo(t.fake, next)[0]!.text).toContain("step 2 of 3");

    await at(t, clock, pagedAt, 15 * MINUTE - SECOND);
    expect(groupPages(t.fake)).toEqual([]);
    await at(t, clock, pagedAt, 15 * MINUTE);
    const [group] = groupPages(t.fake);
    const params = group as unknown as Record<string, unknown>;
    expect(params.disable_notification).toBe(false);
    expect(group!.text).toContain(`<a href="tg://user?id=${person}">`);
    // Everyone is mentioned once: the person on call, then the other operators.
    for (const id of ROTA) expect(group!.text.split(`tg://user?id=${id}"`)).toHaveLength(2);
    expect(group!.text).toContain("step 3 of 3");

    // Nothing is sent twice; every step is recorded as sent, to whom.
    await at(t, clock, pagedAt, 60 * MINUTE);
    expect(pagesTo(t.fake, person)).toHaveLength(1);
    expect(groupPages(t.fake)).toHaveLength(1);
    expect((await steps(t)).map((s) => [s.target, s.recipient, s.sent_at !== null])).toEqual([
      ["oncall", person, true],
      ["next", next, true],
      ["group", null, true],
    ]);
    expect(page.chat_id).toBe(TEAM_GROUP.id);
  });

  it("the paging loop sends a due step by itself, within about a second, without being driven", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const t = await build(clock);
    const { person } = rotaNow(clock);
    await pageApiDown(t, clock);
    const pagedAt = clock.now();
    clock.set(new Date(pagedAt.getTime() + 5 * MINUTE));
    await eventually(() => pagesTo(t.fake, person).length === 1, 5_000, "the loop's own pass");
  });

  for (const [sentBefore, from] of [
    [0, "group"],
    [1, "private"],
    [2, "group"],
    [2, "private"],
  ] as const) {
    it(`an Ack ${from === "group" ? "on the group's message" : "from the private page"} after ${sentBefore} step(s) ends the chain`, async () => {
      api.state.healthy = true;
      const clock = createFakeClock();
      const t = await build(clock);
      const page = await pageApiDown(t, clock);
      const pagedAt = clock.now();
      const due = [5, 10, 15];
      if (sentBefore > 0) await at(t, clock, pagedAt, due[sentBefore - 1]! * MINUTE);
      if (from === "group") {
        await t.post(
          updates.callback(`ack:${page.id}`, { chat: TEAM_GROUP, messageId: page.message_id! }),
        );
      } else {
        const sent = (await steps(t))[sentBefore - 1]!;
        const paged = sent.recipient === OPERATOR.id ? OPERATOR : SECOND_OPERATOR;
        expect(paged.id).toBe(sent.recipient);
        t.fake.reset();
        await t.post(
          updates.callback(`page:${sent.id}`, {
            from: paged,
            chat: privateChat(paged),
            messageId: sent.message_id!,
          }),
        );
        expect(t.fake.callsTo("answerCallbackQuery")[0]!.params.text).toMatch(/Acknowledged/);
        // The group's alert message says who acked it; the page loses its Ack button.
        const edit = t.fake
          .callsTo("editMessageText")
          .find((c) => Number(c.params.chat_id) === TEAM_GROUP.id);
        expect(edit!.params.message_id).toBe(page.message_id);
        expect(String(edit!.params.text)).toContain("👀 Acked by");
        const markup = t.fake.callsTo("editMessageReplyMarkup")[0]!.params;
        expect(Number(markup.chat_id)).toBe(paged.id);
      }
      const { rows } = await t.pool.query<{ acked_by: string | null }>(
        "SELECT acked_by FROM opsbot.alerts WHERE fingerprint = 'api_down'",
      );
      expect(rows[0]!.acked_by).not.toBeNull();
      const before = sentBesidesHandovers(t.fake);
      await at(t, clock, pagedAt, 60 * MINUTE);
      expect(sentBesidesHandovers(t.fake)).toBe(before);
      const rest = (await steps(t)).slice(sentBefore);
      expect(rest.every((s) => s.sent_at === null && s.cancelled_at !== null)).toBe(true);
    });
  }

  it("a private page's Ack is refused on another message and for someone else who is not an operator", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const t = await build(clock);
    await pageApiDown(t, clock);
    const pagedAt = clock.now();
    await at(t, clock, pagedAt, 5 * MINUTE);
    const [step1] = await steps(t);
    const paged = step1!.recipient === OPERATOR.id ? OPERATOR : SECOND_OPERATOR;
    t.fake.reset();
    await t.post(
      updates.callback(`page:${step1!.id}`, {
        from: paged,
        chat: privateChat(paged),
        messageId: step1!.message_id! + 7,
      }),
    );
    expect(t.fake.callsTo("answerCallbackQuery")[0]!.params.text).toBe(
      "That page is not known here.",
    );
    // A viewer who was not paged may not ack someone else's page.
    t.fake.reset();
    await t.post(
      updates.callback(`page:${step1!.id}`, {
        from: VIEWER,
        chat: privateChat(paged),
        messageId: step1!.message_id!,
      }),
    );
    expect(t.fake.callsTo("answerCallbackQuery")[0]!.params.text).toBe(REFUSAL);
    const { rows } = await t.pool.query("SELECT 1 FROM opsbot.alerts WHERE acked_by IS NOT NULL");
    expect(rows).toEqual([]);
  });

  it("the resolution and a silence end the chain", async () => {
    for (const end of ["resolution", "silence"] as const) {
      api.state.healthy = true;
      const clock = createFakeClock();
      const t = await build(clock);
      const { person } = rotaNow(clock);
      await pageApiDown(t, clock);
      const pagedAt = clock.now();
      await at(t, clock, pagedAt, 5 * MINUTE);
      expect(pagesTo(t.fake, person)).toHaveLength(1);
      if (end === "resolution") {
        api.state.healthy = true;
        await probeFor(t, clock, 3 * SECOND, SECOND);
      } else {
        await t.post(updates.message("/silence api_down 2h", { from: OPERATOR }));
      }
      t.fake.reset();
      await at(t, clock, pagedAt, 60 * MINUTE);
      expect(
        t.fake.callsTo("sendMessage").filter((c) => /Escalation|paged/.test(String(c.params.text))),
      ).toEqual([]);
      expect((await steps(t)).slice(1).every((s) => s.cancelled_at !== null)).toBe(true);
      await open.pop()!.close();
    }
  });

  it("warnings never escalate", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const t = await build(clock);
    const pagedAt = clock.now();
    await insertStuckWorkers(t.pool, clock.now(), 1);
    await tick(t);
    expect(messagesTo(t.fake).some((m) => m.text.includes("stuck_worker"))).toBe(true);
    await at(t, clock, pagedAt, 60 * MINUTE);
    for (const id of ROTA) expect(pagesTo(t.fake, id)).toEqual([]);
    expect(groupPages(t.fake)).toEqual([]);
    expect(await steps(t)).toEqual([]);
  });

  it("Alertmanager alerts escalate when labelled severity critical, never otherwise", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const token = "am-token-0123456789abcdef";
    const t = await build(clock, { env: { ALERTMANAGER_TOKEN: token } });
    const { person } = rotaNow(clock);
    const pagedAt = clock.now();
    for (const [n, severity] of [
      [1, "critical"],
      [2, "warning"],
    ] as const) {
      const res = await fetch(`${t.baseUrl}/alertmanager`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(
          webhookPayload([
            {
              alertname: `Alert${n}`,
              fingerprint: fingerprintNo(n),
              severity,
              summary: `${severity} one`,
              // Not ahead of the fake clock: the receiver refuses a start in the future.
              startsAt: clock.now().toISOString(),
            },
          ]),
        ),
      });
      expect(res.status).toBe(200);
      await eventually(async () => (await outbox(t.pool)).filter((r) => r.sent_at).length === n);
    }
    await at(t, clock, pagedAt, 60 * MINUTE);
    const pages = pagesTo(t.fake, person);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.text).toContain("critical one");
    expect(pages[0]!.text).not.toContain("warning one");
    expect(await steps(t)).toHaveLength(3);
  });

  it("two replicas send each step once, and a restart mid-chain resumes with no step repeated or lost", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const database = await createTestDatabase({ migrated: true });
    const fake = await startFakeBotApi();
    open.push({ close: () => fake.close() }, { close: () => database.drop() });
    const a = await build(clock, { database, fake });
    const b = await build(clock, { database, fake });
    const { person, next } = rotaNow(clock);
    await pageApiDown(a, clock);
    const pagedAt = clock.now();
    await at([a, b], clock, pagedAt, 5 * MINUTE);
    await at([a, b], clock, pagedAt, 5 * MINUTE + SECOND);
    expect(pagesTo(fake, person)).toHaveLength(1);

    // Both replicas go; a new one takes over the chain.
    await open.pop()!.close();
    await open.pop()!.close();
    const c = await build(clock, { database, fake });
    await at(c, clock, pagedAt, 10 * MINUTE);
    await at(c, clock, pagedAt, 15 * MINUTE);
    expect(pagesTo(fake, person)).toHaveLength(1);
    expect(pagesTo(fake, next)).toHaveLength(1);
    expect(groupPages(fake)).toHaveLength(1);
  });

  it("a private page Telegram refuses (403) is said in the group at once, and the chain goes on", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const { person, next } = rotaNow(clock);
    const fake = await startFakeBotApi();
    const blocking = await startBlockingBotApi(fake, new Set([person]));
    open.push({ close: () => fake.close() }, blocking);
    const t = await build(clock, { fake, env: { TELEGRAM_API_ROOT: blocking.apiRoot } });
    await pageApiDown(t, clock);
    const pagedAt = clock.now();
    await at(t, clock, pagedAt, 5 * MINUTE);
    const notice = messagesTo(fake).find((m) => m.text.includes("Could not page"));
    expect(notice!.text).toContain(`tg://user?id=${person}`);
    expect(notice!.text).toContain("403");
    expect(notice!.text).toContain("press Start");
    const [refused] = await steps(t);
    expect(refused!.recipient).toBe(person);
    expect(refused!.error).toContain("403");
    // The incident's record says whom the page could not reach, and why.
    const { rows: events } = await t.pool.query<{ actor_id: number; detail: string }>(
      "SELECT actor_id, detail FROM opsbot.alert_events WHERE event = 'page_refused'",
    );
    expect(events.map((e) => e.actor_id)).toEqual([person]);
    expect(events[0]!.detail).toContain("403");
    await at(t, clock, pagedAt, 10 * MINUTE);
    expect(pagesTo(fake, next).filter((m) => m.text.includes("You are paged"))).toHaveLength(1);
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toContain('opsbot_escalation_steps_total{target="oncall",outcome="refused"} 1');
    expect(metrics).toContain('opsbot_escalation_steps_total{target="next",outcome="sent"} 1');
  });

  it("a page Telegram fails for now waits out its retry_after (429), else 1 s, 2 s, 4 s (5xx), and goes out once", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const { person, next } = rotaNow(clock);
    const t = await build(clock);
    await pageApiDown(t, clock);
    const pagedAt = clock.now();
    const triesTo = (userId: number) =>
      t.fake.callsTo("sendMessage").filter((c) => Number(c.params.chat_id) === userId).length;
    // The shift's handover goes out on the first pass: the faults below are the pages'.
    await at(t, clock, pagedAt, 4 * MINUTE);

    t.fake.failNext("sendMessage", { kind: "429", retryAfter: 7 });
    for (const second of [0, 1, 6]) await at(t, clock, pagedAt, 5 * MINUTE + second * SECOND);
    expect(triesTo(person)).toBe(1);
    await at(t, clock, pagedAt, 5 * MINUTE + 7 * SECOND);
    expect(triesTo(person)).toBe(2);
    expect(pagesTo(t.fake, person)).toHaveLength(2);

    t.fake.failNext("sendMessage", { kind: "500" }, 3);
    // Tried at 0 s, then 1 s, 3 s and 7 s after it: never in between.
    const tries: number[] = [];
    for (let second = 0; second <= 8; second++) {
      await at(t, clock, pagedAt, 10 * MINUTE + second * SECOND);
      if (triesTo(next) > tries.length) tries.push(second);
    }
    expect(tries).toEqual([0, 1, 3, 7]);
    const sent = (await steps(t)).find((s) => s.target === "next")!;
    expect(sent.sent_at).not.toBeNull();
    expect(sent.error).toBeNull();
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toContain('opsbot_escalation_steps_total{target="oncall",outcome="retried"} 1');
    expect(metrics).toContain('opsbot_escalation_steps_total{target="oncall",outcome="sent"} 1');
    expect(metrics).toContain('opsbot_escalation_steps_total{target="next",outcome="retried"} 3');
    expect(metrics).toContain('opsbot_escalation_steps_total{target="next",outcome="sent"} 1');
  });
});
