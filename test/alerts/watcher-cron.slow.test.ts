// The watcher on its own WATCH_CRON, every second, against the fake Bot API: real seconds
// pass between ticks (the other watcher tests drive ticks by hand).
import { describe, expect, it } from "vitest";
import {
  buttonData,
  eventually,
  finishWorkers,
  insertStuckWorkers,
  messagesTo,
  okTicks,
  useAlertApps,
} from "../kit/alerts.js";
import { TEAM_GROUP } from "../kit/updates.js";

const apps = useAlertApps();

describe("the watcher on its cron, against the fake Bot API", () => {
  it("announces a stuck run once, stays quiet while it keeps firing, and sends one Resolved, in the alert topic", async () => {
    const t = await apps.build({ env: { WATCH_CRON: "* * * * * *", ALERT_THREAD_ID: "77" } });
    const [id] = await insertStuckWorkers(t.pool, new Date());

    const firing = await t.fake.waitForCall(
      "sendMessage",
      (c) => String(c.params.text).includes(`stuck_worker:${id}`),
      5_000,
    );
    expect(firing.params).toMatchObject({
      chat_id: TEAM_GROUP.id,
      message_thread_id: 77,
      parse_mode: "HTML",
    });
    expect(String(firing.params.text)).toContain("1 alert firing");
    expect(buttonData(firing.params)).toEqual([
      expect.stringMatching(/^sil:\d+:1h$/),
      expect.stringMatching(/^sil:\d+:24h$/),
      expect.stringMatching(/^ack:\d+$/),
    ]);

    const firingTicks = await okTicks(t);
    await eventually(async () => (await okTicks(t)) >= firingTicks + 5, 8_000, "five more ticks");
    expect(messagesTo(t.fake)).toHaveLength(1);

    await finishWorkers(t.pool, [id!]);
    const resolved = await t.fake.waitForCall(
      "sendMessage",
      (c) => String(c.params.text).includes("Resolved"),
      5_000,
    );
    expect(resolved.params).toMatchObject({ chat_id: TEAM_GROUP.id, message_thread_id: 77 });
    expect(String(resolved.params.text)).toContain(`stuck_worker:${id}`);
    expect(buttonData(resolved.params)).toEqual([]);

    const afterResolve = await okTicks(t);
    await eventually(async () => (await okTicks(t)) >= afterResolve + 2, 5_000, "two more ticks");
    expect(messagesTo(t.fake)).toHaveLength(2);
  });
});
