import { describe, expect, it } from "vitest";
import type { Notification, NotifierFor } from "../../src/alerts/notifier.js";
import type { Destination, Routing } from "../../src/alerts/routes.js";
import { createPgOutage } from "../../src/alerts/pg-outage.js";
import { createLogger } from "../../src/log/create-logger.js";
import { createFakeClock } from "../kit/fake-clock.js";

function outageWithChannel(routing: Routing = { routes: [], fallback: { chatId: -100 } }) {
  const sent: (Notification & { to: Destination })[] = [];
  const notifierFor: NotifierFor = (to) => ({
    send: (notification) => {
      sent.push({ ...notification, to });
      return Promise.resolve({ ok: true });
    },
  });
  const outage = createPgOutage({
    notifierFor,
    logger: createLogger({ level: "silent", secrets: [] }),
    downAfterChecks: 2,
    routing,
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
    expect(sent[0]!.to).toEqual({ chatId: -100 });
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

  it("pages where ALERT_ROUTES sends pg_down", async () => {
    const { outage, sent } = outageWithChannel({
      routes: [
        { pattern: "api_down", destination: { chatId: -300 } },
        { pattern: "pg_down", destination: { chatId: -200, threadId: 9 } },
      ],
      fallback: { chatId: -100 },
    });
    await outage.failedTick(new Error("connect ECONNREFUSED"));
    await outage.failedTick(new Error("connect ECONNREFUSED"));
    expect(sent.map((n) => n.to)).toEqual([{ chatId: -200, threadId: 9 }]);
  });
});
