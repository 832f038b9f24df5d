// /silence KEY DURATION in DELAY end to end: a maintenance window that starts later, shown
// in /alerts, never shortening nor dropping another silence on the key; bad input changes
// nothing. Real webhook, fake clock.
import { describe, expect, it } from "vitest";
import { EN } from "../kit/english.js";
import { formatUtc } from "../../src/clock.js";
import type { TestApp } from "../kit/build-test-app.js";
import { insertStuckWorkers, messagesTo, tick, useAlertApps } from "../kit/alerts.js";
import { createFakeClock, HOUR, MINUTE } from "../kit/fake-clock.js";
import { createUpdates, OPERATOR, privateChat } from "../kit/updates.js";

const SILENCE_USAGE = EN.t("silence-usage");
const updates = createUpdates(80_000);

const apps = useAlertApps();

async function build() {
  const clock = createFakeClock();
  const t = await apps.build({ clock, env: { SILENCE_MAX_DAYS: "2" } });
  return { t, clock };
}

async function say(app: TestApp, text: string): Promise<string> {
  app.fake.reset();
  expect((await app.post(updates.message(text, { from: OPERATOR }))).status).toBe(200);
  const replies = messagesTo(app.fake, privateChat(OPERATOR).id);
  expect(replies).toHaveLength(1);
  return replies[0]!.text;
}

async function windows(app: TestApp) {
  const { rows } = await app.pool.query<{ matcher: string; starts_at: Date; until: Date }>(
    "SELECT matcher, starts_at, until FROM opsbot.silences ORDER BY starts_at",
  );
  return rows;
}

const at = (clock: { now(): Date }, ms: number) => new Date(clock.now().getTime() + ms);

describe("/silence … in DELAY (maintenance windows)", () => {
  it("starts later: alerts before the window are announced, inside it they are not; /alerts lists it", async () => {
    const { t, clock } = await build();
    const start = at(clock, 30 * MINUTE);
    const end = at(clock, 30 * MINUTE + 2 * HOUR);
    expect(await say(t, "/silence stuck_worker:* 2h in 30m")).toBe(
      `🗓 <code>stuck_worker:*</code> will be silenced from ${formatUtc(start)} until ${formatUtc(end)} (maintenance window).`,
    );
    expect(await windows(t)).toEqual([{ matcher: "stuck_worker:*", starts_at: start, until: end }]);
    expect(await say(t, "/alerts")).toContain(
      `🗓 <code>stuck_worker:*</code> scheduled ${formatUtc(start)} → ${formatUtc(end)} by @olga_ops`,
    );

    t.fake.reset();
    const [before] = await insertStuckWorkers(t.pool, clock.now(), 1);
    await tick(t);
    expect(messagesTo(t.fake).map((m) => m.text)).toEqual([
      expect.stringContaining(`stuck_worker:${before}`),
    ]);

    clock.advance(31 * MINUTE);
    t.fake.reset();
    await insertStuckWorkers(t.pool, clock.now(), 1);
    await tick(t);
    expect(messagesTo(t.fake)).toEqual([]);
    expect(await say(t, "/alerts")).toContain(`🔕 until ${formatUtc(end)}`);
  });

  it("never shortens a longer silence in force, merges an overlapping window, keeps a later one beside it", async () => {
    const { t, clock } = await build();
    const key = "job_failed:*";
    await say(t, `/silence ${key} 4h`);
    // Inside the silence in force: it stays as it is.
    expect(await say(t, `/silence ${key} 1h in 30m`)).toBe(
      `🔕 <code>${key}</code> stays silenced until ${formatUtc(at(clock, 4 * HOUR))}: a new silence never shortens a longer one.`,
    );
    expect(await windows(t)).toHaveLength(1);
    // Overlapping its end: one silence, now to the later end.
    expect(await say(t, `/silence ${key} 2h in 3h`)).toBe(
      `🔕 <code>${key}</code> silenced until ${formatUtc(at(clock, 5 * HOUR))}.`,
    );
    expect(await windows(t)).toEqual([
      { matcher: key, starts_at: clock.now(), until: at(clock, 5 * HOUR) },
    ]);
    // A separate window later: stored beside it, nothing dropped.
    await say(t, `/silence ${key} 1h in 10h`);
    expect(await windows(t)).toEqual([
      { matcher: key, starts_at: clock.now(), until: at(clock, 5 * HOUR) },
      { matcher: key, starts_at: at(clock, 10 * HOUR), until: at(clock, 11 * HOUR) },
    ]);
    // /unsilence ends the one in force and cancels the scheduled one: one key's silences.
    expect(await say(t, `/unsilence ${key}`)).toBe(
      `🔔 1 silence lifted under <code>${key}</code>.`,
    );
    clock.advance(MINUTE);
    expect(await say(t, "/alerts")).not.toContain(key);
  });

  it.each([
    ["a delay that is not a duration", "/silence api_down 1h in soon", SILENCE_USAGE],
    ["no delay after in", "/silence api_down 1h in", SILENCE_USAGE],
    ["another word than in", "/silence api_down 1h at 30m", SILENCE_USAGE],
    ["a delay past 30 days", "/silence api_down 1h in 31d", "⛔ A delay must be from 1m to 30d."],
    [
      "a duration past SILENCE_MAX_DAYS",
      "/silence api_down 3d in 1h",
      "⛔ A silence may be at most 2d (SILENCE_MAX_DAYS).",
    ],
  ])("refuses %s with a clear answer, storing nothing", async (_, text, answer) => {
    const { t } = await build();
    expect(await say(t, text)).toBe(answer);
    expect(await windows(t)).toEqual([]);
  });
});
