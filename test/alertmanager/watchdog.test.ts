// Alertmanager's watchdog (WATCHDOG_ALERTNAME): its arrivals through the real POST
// /alertmanager are recorded, never shown as alerts; once seen, its absence for
// WATCHDOG_MINUTES pages watchdog_missing, and its return resolves it. A fake clock.
import { afterEach, describe, expect, it } from "vitest";
import {
  buildAlertApp,
  eventually,
  messagesTo,
  okTicks,
  tick,
  useApiHealth,
} from "../kit/alerts.js";
import type { TestApp } from "../kit/build-test-app.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { webhookPayload } from "./payloads.js";

const TOKEN = "am-token_0123456789abcdef";
const api = useApiHealth();
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function build(clock: ReturnType<typeof createFakeClock>): Promise<TestApp> {
  const t = await buildAlertApp(api.url, {
    clock,
    env: {
      ALERTMANAGER_TOKEN: TOKEN,
      WATCHDOG_ALERTNAME: "DeadMansSwitch",
      WATCHDOG_MINUTES: "10",
    },
  });
  cleanup.push(() => t.close());
  return t;
}

/** The watchdog posted; returns once the tick the batch starts is over (no tick by hand meets it). */
async function watchdogArrives(t: TestApp): Promise<void> {
  const before = await okTicks(t);
  const res = await fetch(`${t.baseUrl}/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(webhookPayload([{ alertname: "DeadMansSwitch", fingerprint: "d0" }])),
  });
  expect(res.status).toBe(200);
  await eventually(async () => (await okTicks(t)) > before, 5_000, "the tick after the batch");
}

const stored = async (t: TestApp) =>
  (await t.pool.query("SELECT fingerprint FROM opsbot.am_alerts")).rows.length;

describe("the Alertmanager watchdog", () => {
  it("pages nothing before it was ever seen", async () => {
    const clock = createFakeClock(new Date());
    const t = await build(clock);
    clock.advance(60 * MINUTE);
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(0);
  });

  it("is never shown as an alert; once seen, its absence for WATCHDOG_MINUTES pages watchdog_missing, and its return resolves it", async () => {
    const clock = createFakeClock(new Date());
    const t = await build(clock);
    await watchdogArrives(t);
    await tick(t);
    expect(await stored(t)).toBe(0);
    expect(messagesTo(t.fake)).toHaveLength(0);

    clock.advance(9 * MINUTE);
    await watchdogArrives(t);
    clock.advance(9 * MINUTE);
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(0);

    clock.advance(1 * MINUTE);
    await tick(t);
    const [page] = messagesTo(t.fake);
    expect(messagesTo(t.fake)).toHaveLength(1);
    expect(page!.text).toContain("watchdog_missing");
    expect(page!.text).toContain("DeadMansSwitch");
    expect(page!.text).toContain("critical");
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(1);

    await watchdogArrives(t);
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(2);
    expect(messagesTo(t.fake)[1]!.text).toContain("Resolved: 1 alert");
    expect(messagesTo(t.fake)[1]!.text).toContain("watchdog_missing");
  });
});
