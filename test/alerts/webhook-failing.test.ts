// webhook_failing: in webhook mode the watcher's tick asks Telegram's getWebhookInfo (the
// fake Bot API, over HTTP) every 5 minutes by the clock, the first 5 minutes after start, and pages while a delivery
// error is under 10 minutes old or 100+ updates are pending. The real app, a fake clock.
import { describe, expect, it } from "vitest";
import { messagesTo, tick, useAlertApps } from "../kit/alerts.js";
import type { TestApp } from "../kit/build-test-app.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";

const apps = useAlertApps();

async function build(env: Record<string, string> = {}) {
  const clock = createFakeClock(new Date());
  const t = await apps.build({ clock, env });
  return { t, clock };
}

const asked = (t: TestApp) => t.fake.callsTo("getWebhookInfo").length;
const pages = (t: TestApp) => messagesTo(t.fake);

/** The next reading: 5 minutes on, one tick. */
async function nextReading(t: TestApp, clock: { advance(ms: number): void }): Promise<void> {
  clock.advance(5 * MINUTE);
  await tick(t);
}

describe("webhook_failing", () => {
  it("pages once, critical, for a delivery error in the last 10 minutes, and resolves once when it clears", async () => {
    const { t, clock } = await build();
    clock.advance(5 * MINUTE);
    t.fake.setWebhookInfo({
      lastErrorDate: new Date(clock.now().getTime() - 3 * MINUTE),
      lastErrorMessage: "Wrong response from the webhook: 502 Bad Gateway",
    });
    await tick(t);
    expect(pages(t)).toHaveLength(1);
    const page = pages(t)[0]!.text;
    expect(page).toContain("webhook_failing");
    expect(page).toContain("critical");
    expect(page).toContain("502 Bad Gateway");
    expect(page).toContain("3 min ago");

    await nextReading(t, clock);
    expect(pages(t)).toHaveLength(1);

    t.fake.setWebhookInfo({});
    await nextReading(t, clock);
    expect(pages(t)).toHaveLength(2);
    expect(pages(t)[1]!.text).toContain("Resolved: 1 alert");
    expect(pages(t)[1]!.text).toContain("webhook_failing");
    await nextReading(t, clock);
    expect(pages(t)).toHaveLength(2);
  });

  it("does not page for a delivery error 11 minutes old", async () => {
    const { t, clock } = await build();
    clock.advance(5 * MINUTE);
    t.fake.setWebhookInfo({
      lastErrorDate: new Date(clock.now().getTime() - 11 * MINUTE),
      lastErrorMessage: "Connection timed out",
    });
    await tick(t);
    expect(asked(t)).toBe(1);
    expect(pages(t)).toHaveLength(0);
  });

  it("pages at 100 pending updates, not at 99, and says how many", async () => {
    const { t, clock } = await build();
    t.fake.setWebhookInfo({ pendingUpdateCount: 99 });
    await nextReading(t, clock);
    expect(pages(t)).toHaveLength(0);

    t.fake.setWebhookInfo({ pendingUpdateCount: 100 });
    await nextReading(t, clock);
    expect(pages(t)).toHaveLength(1);
    expect(pages(t)[0]!.text).toContain("100 updates pending");
  });

  it("asks Telegram every 5 minutes by the clock from start, whatever the ticks", async () => {
    const { t, clock } = await build();
    await tick(t);
    clock.advance(5 * MINUTE - 1);
    await tick(t);
    expect(asked(t)).toBe(0);
    clock.advance(1);
    await tick(t);
    expect(asked(t)).toBe(1);

    // A backlog arising between readings waits for the next reading.
    t.fake.setWebhookInfo({ pendingUpdateCount: 500 });
    clock.advance(1 * MINUTE);
    await tick(t);
    clock.advance(4 * MINUTE - 1);
    await tick(t);
    expect(asked(t)).toBe(1);
    expect(pages(t)).toHaveLength(0);

    clock.advance(1);
    await tick(t);
    expect(asked(t)).toBe(2);
    expect(pages(t)).toHaveLength(1);
  });

  it("leaves the alert as it is while getWebhookInfo fails", async () => {
    const { t, clock } = await build();
    t.fake.setWebhookInfo({ pendingUpdateCount: 250 });
    await nextReading(t, clock);
    expect(pages(t)).toHaveLength(1);

    t.fake.setWebhookInfo({});
    t.fake.failNext("getWebhookInfo", { kind: "500" }, 5);
    await nextReading(t, clock);
    expect(asked(t)).toBeGreaterThan(1);
    expect(pages(t)).toHaveLength(1);
    const open = await t.pool.query(
      "SELECT 1 FROM opsbot.alerts WHERE fingerprint = 'webhook_failing' AND resolved_at IS NULL",
    );
    expect(open.rows).toHaveLength(1);

    t.fake.reset();
    await nextReading(t, clock);
    expect(pages(t)).toHaveLength(1);
    expect(pages(t)[0]!.text).toContain("Resolved: 1 alert");
  });

  it("is not asked in polling mode", async () => {
    const { t, clock } = await build({ WEBHOOK_URL: "" });
    expect(t.config.mode).toBe("polling");
    t.fake.setWebhookInfo({ pendingUpdateCount: 500 });
    await nextReading(t, clock);
    await nextReading(t, clock);
    expect(asked(t)).toBe(0);
    expect(pages(t)).toHaveLength(0);
  });
});
