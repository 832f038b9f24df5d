// Silences, through the real webhook: the Silence buttons on alert messages (re-authorised
// at press time, bound to the very message they were sent with), /silence, /unsilence and
// /alerts. Time is a fake clock, so silences end without sleeping.
import { describe, expect, it } from "vitest";
import { EN, REFUSAL } from "../kit/english.js";
import { formatUtc } from "../../src/clock.js";
import type { TestApp } from "../kit/build-test-app.js";
import {
  buttonData,
  finishWorkers,
  insertStuckWorkers,
  messagesTo,
  outbox,
  tick,
  type SentMessage,
  useAlertApps,
} from "../kit/alerts.js";
import { createFakeClock, HOUR, MINUTE } from "../kit/fake-clock.js";

const DAY = 24 * HOUR;
import {
  createUpdates,
  OPERATOR,
  OTHER_GROUP,
  privateChat,
  SECOND_OPERATOR,
  STRANGER,
  TEAM_GROUP,
  VIEWER,
} from "../kit/updates.js";

const SILENCE_USAGE = EN.t("silence-usage");
const UNSILENCE_USAGE = EN.t("unsilence-usage");
const updates = createUpdates(90_000);

const apps = useAlertApps();

/** A fresh app and database on a fake clock; repeats after 30 minutes. */
async function build() {
  const clock = createFakeClock();
  const t = await apps.build({ clock, env: { ALERT_REPEAT_MINUTES: "30" } });
  return { t, clock };
}

interface Fired {
  ids: number[];
  fingerprints: string[];
  message: SentMessage;
  messageId: number;
  outboxId: number;
  data: string[];
}

/** Stuck runs, one tick: the alert message as the group got it. */
async function fire(app: TestApp, now: Date, count = 2): Promise<Fired> {
  const ids = await insertStuckWorkers(app.pool, now, count);
  await tick(app);
  const message = messagesTo(app.fake).at(-1)!;
  const row = (await outbox(app.pool)).at(-1)!;
  expect(row.sent_at).not.toBeNull();
  expect(row.message_id).not.toBeNull();
  return {
    ids,
    fingerprints: ids.map((id) => `stuck_worker:${id}`),
    message,
    messageId: row.message_id!,
    outboxId: row.id,
    data: buttonData(message),
  };
}

async function press(
  app: TestApp,
  data: string,
  options: Parameters<typeof updates.callback>[1],
): Promise<void> {
  app.fake.reset();
  const res = await app.post(updates.callback(data, options));
  expect(res.status).toBe(200);
}

/** Posts a command in the sender's private chat; returns the one reply. */
async function say(app: TestApp, text: string, from = OPERATOR): Promise<SentMessage> {
  app.fake.reset();
  const res = await app.post(updates.message(text, { from }));
  expect(res.status).toBe(200);
  const replies = messagesTo(app.fake, privateChat(from).id);
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

async function silences(app: TestApp) {
  const { rows } = await app.pool.query<{ matcher: string; until: Date; created_by: string }>(
    "SELECT matcher, until, created_by FROM opsbot.silences ORDER BY matcher",
  );
  return rows;
}

const answer = (app: TestApp) => {
  const calls = app.fake.callsTo("answerCallbackQuery");
  expect(calls).toHaveLength(1);
  return calls[0]!.params as { text?: string; show_alert?: boolean };
};

describe("the Silence buttons on an alert message", () => {
  it("silences every alert of the message for 1h, edits it to say who and until when, and keeps them quiet meanwhile", async () => {
    const { t, clock } = await build();
    const fired = await fire(t, clock.now());
    expect(fired.data).toEqual([
      `sil:${fired.outboxId}:1h`,
      `sil:${fired.outboxId}:24h`,
      `ack:${fired.outboxId}`,
    ]);
    const until = new Date(clock.now().getTime() + HOUR);

    await press(t, fired.data[0]!, {
      from: OPERATOR,
      chat: TEAM_GROUP,
      messageId: fired.messageId,
    });

    expect(answer(t)).toMatchObject({ text: "Silenced for 1h." });
    expect(answer(t).show_alert).not.toBe(true);
    const edits = t.fake.callsTo("editMessageText");
    expect(edits).toHaveLength(1);
    expect(edits[0]!.params).toMatchObject({
      chat_id: TEAM_GROUP.id,
      message_id: fired.messageId,
    });
    const edited = String(edits[0]!.params.text);
    expect(edited).toContain(`Silenced by @olga_ops until ${formatUtc(until)}`);
    for (const fp of fired.fingerprints) expect(edited).toContain(fp);
    expect(await silences(t)).toEqual(
      fired.fingerprints.sort().map((matcher) => ({ matcher, until, created_by: "@olga_ops" })),
    );

    // Past the repeat interval, still silenced: no repeat; a new alert is still announced, alone.
    clock.advance(45 * MINUTE);
    const [fresh] = await insertStuckWorkers(t.pool, clock.now());
    t.fake.reset();
    await tick(t);
    const during = messagesTo(t.fake);
    expect(during).toHaveLength(1);
    expect(during[0]!.text).toContain("1 alert firing");
    expect(during[0]!.text).toContain(`stuck_worker:${fresh}`);
    for (const fp of fired.fingerprints) expect(during[0]!.text).not.toContain(fp);

    // The silence over, the repeat that was held back comes.
    clock.advance(16 * MINUTE);
    t.fake.reset();
    await tick(t);
    const after = messagesTo(t.fake);
    expect(after).toHaveLength(1);
    expect(after[0]!.text).toContain("Still firing: 2 alerts");
    for (const fp of fired.fingerprints) expect(after[0]!.text).toContain(fp);
  });

  it("silences for 24h with the other button, naming an operator without a username by name (escaped) and id", async () => {
    const { t, clock } = await build();
    const fired = await fire(t, clock.now(), 1);
    const until = new Date(clock.now().getTime() + 24 * HOUR);

    // A display name is the user's to choose: markup in it must stay text.
    const from = { ...SECOND_OPERATOR, first_name: "Omar <ops> & co" };

    await press(t, fired.data[1]!, { from, chat: TEAM_GROUP, messageId: fired.messageId });

    expect(answer(t)).toMatchObject({ text: "Silenced for 24h." });
    const edits = t.fake.callsTo("editMessageText");
    expect(edits).toHaveLength(1);
    expect(edits[0]!.params.parse_mode).toBe("HTML");
    expect(String(edits[0]!.params.text)).toContain(
      `Silenced by Omar &lt;ops&gt; &amp; co (${SECOND_OPERATOR.id}) until ${formatUtc(until)}`,
    );
    expect(await silences(t)).toEqual([
      {
        matcher: fired.fingerprints[0],
        until,
        created_by: `Omar <ops> & co (${SECOND_OPERATOR.id})`,
      },
    ]);
  });

  it("keeps a longer silence when Silence 1h is pressed after Silence 24h, and says until when", async () => {
    const { t, clock } = await build();
    const fired = await fire(t, clock.now(), 1);
    const until = new Date(clock.now().getTime() + 24 * HOUR);
    await press(t, fired.data[1]!, { chat: TEAM_GROUP, messageId: fired.messageId });
    await press(t, fired.data[0]!, { chat: TEAM_GROUP, messageId: fired.messageId });
    const edits = t.fake.callsTo("editMessageText");
    expect(String(edits[0]!.params.text)).toContain(`until ${formatUtc(until)}`);
    expect((await silences(t))[0]!.until).toEqual(until);
  });

  it("answers the press on a storm digest of 5,000 alerts at once and silences them all", async () => {
    const { t, clock } = await build();
    await t.pool.query(
      `INSERT INTO worker_runs (job_type, status, started_at)
       SELECT 'job_' || (g % 7), 'running', $1::timestamptz FROM generate_series(1, 5000) g`,
      [new Date(clock.now().getTime() - 2 * HOUR)],
    );
    await tick(t);
    const message = messagesTo(t.fake).at(-1)!;
    const row = (await outbox(t.pool)).at(-1)!;
    expect(row.fingerprints).toHaveLength(5000);

    // Telegram gives a webhook about 10 s, and the operator is watching a spinner. A few
    // statements do this in well under a second here; one round trip per alert takes
    // seconds even on a local server, and 5,000 × a remote database's latency far more.
    t.fake.reset();
    const started = Date.now();
    const res = await t.post(
      updates.callback(buttonData(message)[0]!, {
        from: OPERATOR,
        chat: TEAM_GROUP,
        messageId: row.message_id!,
      }),
    );
    const handledAfter = Date.now() - started;
    expect(res.status).toBe(200);
    expect(answer(t)).toMatchObject({ text: "Silenced for 1h." });
    const answeredAfter = t.fake.callsTo("answerCallbackQuery")[0]!.at - started;
    expect(t.fake.callsTo("editMessageText")).toHaveLength(1);
    const { rows } = await t.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM opsbot.silences",
    );
    expect(rows[0]!.n).toBe(5000);
    expect(answeredAfter).toBeLessThan(1_500);
    expect(handledAfter).toBeLessThan(3_000);
  }, 30_000);

  it("works on an alert message delivered to the supergroup the alert group became", async () => {
    const NEW_CHAT = { ...TEAM_GROUP, id: -1002222222222 };
    const { t, clock } = await build();
    t.fake.failNext("sendMessage", { kind: "migrate", toChatId: NEW_CHAT.id });
    const ids = await insertStuckWorkers(t.pool, clock.now());
    await tick(t);
    const message = messagesTo(t.fake, NEW_CHAT.id).at(-1)!;
    const row = (await outbox(t.pool)).at(-1)!;

    // The old group's id with the same message id is not the message.
    await press(t, buttonData(message)[0]!, {
      from: OPERATOR,
      chat: TEAM_GROUP,
      messageId: row.message_id!,
    });
    expect(answer(t).show_alert).toBe(true);
    expect(await silences(t)).toEqual([]);

    await press(t, buttonData(message)[0]!, {
      from: OPERATOR,
      chat: NEW_CHAT,
      messageId: row.message_id!,
    });
    expect(answer(t)).toMatchObject({ text: "Silenced for 1h." });
    expect(t.fake.callsTo("editMessageText")[0]!.params).toMatchObject({
      chat_id: NEW_CHAT.id,
      message_id: row.message_id,
    });
    expect((await silences(t)).map((s) => s.matcher)).toEqual(
      ids.map((id) => `stuck_worker:${id}`),
    );
  });

  it.each([
    ["a viewer", VIEWER],
    ["a stranger", STRANGER],
  ])("refuses %s: no silence, no edit", async (_who, from) => {
    const { t, clock } = await build();
    const fired = await fire(t, clock.now());

    await press(t, fired.data[0]!, { from, chat: TEAM_GROUP, messageId: fired.messageId });

    expect(answer(t)).toEqual(
      expect.objectContaining({ text: REFUSAL, show_alert: true }) as unknown,
    );
    expect(t.fake.callsTo("editMessageText")).toHaveLength(0);
    expect(await silences(t)).toEqual([]);

    // And the alerts keep their repeat schedule.
    clock.advance(31 * MINUTE);
    await tick(t);
    expect(messagesTo(t.fake).at(-1)!.text).toContain("Still firing: 2 alerts");
  });

  const forgeries: [string, (f: Fired) => { data: string; chatId: number; messageId: number }][] = [
    [
      "an unknown outbox id",
      (f) => ({
        data: `sil:${f.outboxId + 1000}:1h`,
        chatId: TEAM_GROUP.id,
        messageId: f.messageId,
      }),
    ],
    [
      "the right id on another message",
      (f) => ({ data: f.data[0]!, chatId: TEAM_GROUP.id, messageId: f.messageId + 1 }),
    ],
    [
      "the right id and message id in another group",
      (f) => ({ data: f.data[0]!, chatId: OTHER_GROUP.id, messageId: f.messageId }),
    ],
    [
      "the right id and message id in a private chat",
      (f) => ({ data: f.data[0]!, chatId: OPERATOR.id, messageId: f.messageId }),
    ],
    [
      "a duration that is not offered",
      (f) => ({ data: `sil:${f.outboxId}:720h`, chatId: TEAM_GROUP.id, messageId: f.messageId }),
    ],
    [
      "a non-numeric id",
      (f) => ({ data: `sil:x${f.outboxId}:1h`, chatId: TEAM_GROUP.id, messageId: f.messageId }),
    ],
  ];

  it.each(forgeries)(
    "answers forged data (%s) with an error and changes nothing",
    async (_, forge) => {
      const { t, clock } = await build();
      const fired = await fire(t, clock.now());
      const { data, chatId, messageId } = forge(fired);
      const chat =
        chatId === TEAM_GROUP.id
          ? TEAM_GROUP
          : chatId === OTHER_GROUP.id
            ? OTHER_GROUP
            : privateChat(OPERATOR);

      await press(t, data, { from: OPERATOR, chat, messageId });

      const answered = answer(t);
      expect(answered.show_alert).toBe(true);
      expect(answered.text).toMatch(/not known|no longer valid/);
      expect(t.fake.callsTo("editMessageText")).toHaveLength(0);
      expect(t.fake.callsTo("sendMessage")).toHaveLength(0);
      expect(await silences(t)).toEqual([]);
    },
  );

  it("refuses a Silence press replayed on the Resolved message", async () => {
    const { t, clock } = await build();
    const fired = await fire(t, clock.now(), 1);
    await finishWorkers(t.pool, fired.ids);
    clock.advance(MINUTE);
    await tick(t);
    const resolved = (await outbox(t.pool)).at(-1)!;
    expect(resolved.kind).toBe("resolved");
    expect(messagesTo(t.fake).at(-1)!.reply_markup).toBeUndefined();

    await press(t, `sil:${resolved.id}:1h`, {
      from: OPERATOR,
      chat: TEAM_GROUP,
      messageId: resolved.message_id!,
    });

    expect(answer(t).show_alert).toBe(true);
    expect(t.fake.callsTo("editMessageText")).toHaveLength(0);
    expect(await silences(t)).toEqual([]);
  });
});

describe("/silence and /unsilence", () => {
  it("silences a key for a duration and ends it again, and the alert follows", async () => {
    const { t, clock } = await build();
    const [id] = await insertStuckWorkers(t.pool, clock.now());
    const key = `stuck_worker:${id}`;
    const until = new Date(clock.now().getTime() + 30 * MINUTE);

    const reply = await say(t, `/silence ${key} 30m`);
    expect(reply.parse_mode).toBe("HTML");
    expect(reply.text).toBe(`🔕 <code>${key}</code> silenced until ${formatUtc(until)}.`);
    expect(await silences(t)).toEqual([{ matcher: key, until, created_by: "@olga_ops" }]);

    t.fake.reset();
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(0);

    clock.advance(5 * MINUTE);
    const ended = await say(t, `/unsilence ${key}`);
    expect(ended.text).toBe(`🔔 <code>${key}</code> is no longer silenced.`);
    const [row] = await silences(t);
    expect(row!.until.getTime()).toBeLessThanOrEqual(clock.now().getTime());
    expect((await say(t, `/unsilence ${key}`)).text).toBe(
      `No silence in force or scheduled for <code>${key}</code>.`,
    );

    t.fake.reset();
    await tick(t);
    const sent = messagesTo(t.fake);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain("1 alert firing");
    expect(sent[0]!.text).toContain(key);
  });

  it.each([
    "/silence",
    "/silence stuck_worker:1",
    "/silence stuck_worker:1 5x",
    '/silence "stuck_worker:1 with spaces" 1h',
    "/silence stuck_worker:1 1h extra",
  ])("answers %s with the usage line and stores nothing", async (command) => {
    const { t } = await build();
    const reply = await say(t, command);
    expect(reply.text).toBe(SILENCE_USAGE);
    expect(await silences(t)).toEqual([]);
  });

  it.each([
    ["/silence stuck_worker:1 8d", "⛔ A silence may be at most 7d (SILENCE_MAX_DAYS)."],
    ["/silence api_down 30d", "⛔ A silence may be at most 7d (SILENCE_MAX_DAYS)."],
    ["/silence stuck_worker:1 0m", "⛔ A silence must be at least 1m."],
    [
      "/silence * 1h",
      "⛔ <code>*</code>: a pattern needs a full kind and a colon before *, e.g. job_failed:*.",
    ],
    [
      "/silence a* 1d",
      "⛔ <code>a*</code>: a pattern needs a full kind and a colon before *, e.g. job_failed:*.",
    ],
    [
      "/silence s* 7d",
      "⛔ <code>s*</code>: a pattern needs a full kind and a colon before *, e.g. job_failed:*.",
    ],
    [
      "/silence job_* 1h",
      "⛔ <code>job_*</code>: a pattern needs a full kind and a colon before *, e.g. job_failed:*.",
    ],
    [
      "/silence job_failed* 1h",
      "⛔ <code>job_failed*</code>: a pattern needs a full kind and a colon before *, e.g. job_failed:*.",
    ],
    ["/silence STUCK_WORKER:1 1h", "⛔ <code>STUCK_WORKER:1</code>: not an alert key."],
  ])("refuses %s clearly and stores nothing", async (command, answer) => {
    const { t } = await build();
    expect((await say(t, command)).text).toBe(answer);
    expect(await silences(t)).toEqual([]);
  });

  it.each(["api_down", "job_failed:*", "job_failed:sync_*", "stuck_worker:42"])(
    "accepts %s for up to SILENCE_MAX_DAYS",
    async (key) => {
      const { t } = await build();
      expect((await say(t, `/silence ${key} 7d`)).text).toContain("silenced until");
      expect((await silences(t)).map((s) => s.matcher)).toEqual([key]);
    },
  );

  it("never shortens a longer silence on the same key; a longer one extends it", async () => {
    const { t, clock } = await build();
    const at = (ms: number) => new Date(clock.now().getTime() + ms);
    await say(t, "/silence api_down 2d");
    const kept = await say(t, "/silence api_down 1h");
    expect(kept.text).toBe(
      `🔕 <code>api_down</code> stays silenced until ${formatUtc(at(2 * DAY))}: a new silence never shortens a longer one.`,
    );
    expect((await silences(t))[0]!.until).toEqual(at(2 * DAY));
    await say(t, "/silence api_down 3d");
    expect((await silences(t))[0]!.until).toEqual(at(3 * DAY));
  });

  it("follows SILENCE_MAX_DAYS when it is set", async () => {
    const clock = createFakeClock();
    const t = await apps.build({ clock, env: { SILENCE_MAX_DAYS: "2" } });
    expect((await say(t, "/silence api_down 3d")).text).toBe(
      "⛔ A silence may be at most 2d (SILENCE_MAX_DAYS).",
    );
    expect((await say(t, "/silence api_down 2d")).text).toContain("silenced until");
  });

  it("/unsilence PREFIX* lifts every silence under it, /unsilence all the rest, and says how many", async () => {
    const { t, clock } = await build();
    const keys = ["am:High5xxRate:*", "am:DbPoolExhausted:0f1e2d", "am:Disk:1a2b", "api_down"];
    for (const key of keys) await say(t, `/silence ${key} 4h`);
    await say(t, "/silence job_failed:* 1h in 2h");
    const inForce = async () =>
      (await silences(t)).filter((s) => s.until > clock.now()).map((s) => s.matcher);

    expect((await say(t, "/unsilence am:*")).text).toBe(
      "🔔 3 silences lifted under <code>am:*</code>.",
    );
    expect(await inForce()).toEqual(["api_down", "job_failed:*"]);
    expect((await say(t, "/unsilence am:*")).text).toBe(
      "No silence in force or scheduled under <code>am:*</code>.",
    );
    // The scheduled window counts too: it is cancelled.
    expect((await say(t, "/unsilence all")).text).toBe("🔔 2 silences lifted.");
    expect(await inForce()).toEqual([]);
    expect((await say(t, "/unsilence all")).text).toBe("No silence in force or scheduled.");
  });

  it("refuses a viewer's /unsilence all and lifts nothing", async () => {
    const { t } = await build();
    await say(t, "/silence api_down 1h");
    const before = await silences(t);
    expect((await say(t, "/unsilence all", VIEWER)).text).toBe(REFUSAL);
    expect(await silences(t)).toEqual(before);
  });

  it.each([
    "/unsilence",
    "/unsilence a b",
    "/unsilence Stuck",
    "/unsilence all now",
    "/unsilence *",
  ])("answers %s with the unsilence usage line", async (command) => {
    const { t } = await build();
    expect((await say(t, command)).text).toBe(UNSILENCE_USAGE);
  });

  it("refuses a viewer's /silence and /unsilence", async () => {
    const { t } = await build();
    expect((await say(t, "/silence api_down 1h", VIEWER)).text).toBe(REFUSAL);
    expect(await silences(t)).toEqual([]);

    await say(t, "/silence api_down 1h");
    const before = await silences(t);
    expect((await say(t, "/unsilence api_down", VIEWER)).text).toBe(REFUSAL);
    expect(await silences(t)).toEqual(before);
  });
});

describe("/alerts", () => {
  it("lists the firing alerts with since-when and the silences in force", async () => {
    const { t, clock } = await build();
    const fired = await fire(t, clock.now());
    await press(t, fired.data[0]!, {
      from: OPERATOR,
      chat: TEAM_GROUP,
      messageId: fired.messageId,
    });
    const until = new Date(clock.now().getTime() + HOUR);
    clock.advance(5 * MINUTE);
    await say(t, "/silence connector_failed:* 2h");

    const reply = await say(t, "/alerts", VIEWER);

    expect(reply.parse_mode).toBe("HTML");
    expect(reply.text).toContain("<b>2 firing</b>");
    for (const fp of fired.fingerprints) {
      expect(reply.text).toMatch(
        new RegExp(`<code>${fp}</code> .*\\(since 5m\\) 🔕 until ${formatUtc(until)}`),
      );
      expect(reply.text).toContain(`🔕 <code>${fp}</code> until ${formatUtc(until)} by @olga_ops`);
    }
    expect(reply.text).toContain("<code>connector_failed:*</code>");

    await finishWorkers(t.pool, fired.ids);
    await tick(t);
    const quiet = await say(t, "/alerts", VIEWER);
    expect(quiet.text).toContain("No alerts firing");
  });
});

describe("silence expiry", () => {
  it("announces an alert that was never announced once its silence ends", async () => {
    const { t, clock } = await build();
    await say(t, "/silence stuck_worker:* 30m");
    const [id] = await insertStuckWorkers(t.pool, clock.now());

    t.fake.reset();
    await tick(t);
    clock.advance(29 * MINUTE);
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(0);
    expect(await outbox(t.pool)).toEqual([]);

    clock.advance(2 * MINUTE);
    await tick(t);
    const sent = messagesTo(t.fake);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain("1 alert firing");
    expect(sent[0]!.text).toContain(`stuck_worker:${id}`);
  });
});
