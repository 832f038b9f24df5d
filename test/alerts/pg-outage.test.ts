import { describe, expect, it } from "vitest";
import type { AlertChannel, Notification } from "../../src/alerts/channel.js";
import { createPgOutage } from "../../src/alerts/pg-outage.js";
import { createLogger } from "../../src/log/create-logger.js";
import { createFakeClock } from "../kit/fake-clock.js";

function outageWithChannel() {
  const sent: Notification[] = [];
  const channel: AlertChannel = {
    send: (notification) => {
      sent.push(notification);
      return Promise.resolve({ ok: true });
    },
  };
  const outage = createPgOutage({
    channel,
    logger: createLogger({ level: "silent", secrets: [] }),
    downAfterChecks: 2,
    destination: { chatId: -100, threadId: undefined },
    clock: createFakeClock(),
  });
  return { outage, sent };
}

describe("PostgreSQL-down paging (no Redis)", () => {
  it("pages after DOWN_AFTER_CHECKS failing ticks in a row, once", async () => {
    const { outage, sent } = outageWithChannel();
    await outage.failedTick(new Error("connect ECONNREFUSED"));
    expect(sent).toHaveLength(0);
    await outage.failedTick(new Error("connect ECONNREFUSED"));
    await outage.failedTick(new Error("connect ECONNREFUSED"));
    expect(sent.map((n) => n.alerts[0]?.fingerprint)).toEqual(["pg_down"]);
    const resolved = await outage.recovered(new Date());
    expect(resolved.map((a) => a.fingerprint)).toEqual(["pg_down"]);
  });

  it("does not add an old blip to a new one when the database answered in between", async () => {
    const { outage, sent } = outageWithChannel();
    await outage.failedTick(new Error("blip"));
    // This replica did not run the next tick (another held the lease), but PostgreSQL answered.
    outage.reachable();
    await outage.failedTick(new Error("another blip"));
    expect(sent).toHaveLength(0);
    expect(await outage.recovered(new Date())).toEqual([]);
  });
});
