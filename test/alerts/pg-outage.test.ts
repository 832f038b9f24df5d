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
    routing,
    clock: createFakeClock(),
  });
  return { outage, sent };
}

describe("PostgreSQL-down paging (no Redis)", () => {
  it("pages once per outage, from when it began, and resolves it", async () => {
    const { outage, sent } = outageWithChannel();
    const since = new Date("2026-11-28T11:59:30Z");
    await outage.down("connect ECONNREFUSED", since);
    await outage.down("connect ECONNREFUSED", since);
    expect(sent.map((n) => n.alerts[0]?.fingerprint)).toEqual(["pg_down"]);
    expect(sent[0]!.alerts[0]!.firingSince).toBe(since.toISOString());
    expect(sent[0]!.alerts[0]!.summary).toBe("PostgreSQL unreachable: connect ECONNREFUSED");
    expect(sent[0]!.to).toEqual({ chatId: -100 });
    const resolved = await outage.recovered(new Date());
    expect(resolved.map((a) => a.fingerprint)).toEqual(["pg_down"]);
    // The next outage pages again.
    await outage.down("connect ECONNREFUSED", new Date());
    expect(sent).toHaveLength(2);
  });

  it("resolves nothing when nothing was paged", async () => {
    const { outage } = outageWithChannel();
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
    await outage.down("connect ECONNREFUSED", new Date());
    expect(sent.map((n) => n.to)).toEqual([{ chatId: -200, threadId: 9 }]);
  });
});
