// The Ack button end to end: press → DB → edited message → no repeat → resolution still
// sent, and a new episode is not acknowledged. Real webhook, fake clock.
import { describe, expect, it } from "vitest";
import type { TestApp } from "../kit/build-test-app.js";
import {
  buttonData,
  finishWorkers,
  insertStuckWorkers,
  messagesTo,
  outbox,
  tick,
  useAlertApps,
} from "../kit/alerts.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { createUpdates, OPERATOR, privateChat, TEAM_GROUP, VIEWER } from "../kit/updates.js";

const updates = createUpdates(70_000);

const apps = useAlertApps();

async function acked(app: TestApp) {
  const { rows } = await app.pool.query<{ fingerprint: string; acked_by: string | null }>(
    "SELECT fingerprint, acked_by FROM opsbot.alerts ORDER BY fingerprint",
  );
  return rows;
}

describe("the Ack button", () => {
  it("records who acked, edits the message, stops repeats until resolved; the resolution and a new episode still come", async () => {
    const clock = createFakeClock();
    const t = await apps.build({
      clock,
      env: { ALERT_REPEAT_MINUTES: "30", RUNBOOK_URL: "https://wiki.example/rb/{kind}" },
    });
    const [id] = await insertStuckWorkers(t.pool, clock.now(), 1);
    await tick(t);
    const [firing] = messagesTo(t.fake);
    const row = (await outbox(t.pool)).at(-1)!;
    const ack = buttonData(firing!).find((d) => d.startsWith("ack:"))!;
    expect(ack).toBe(`ack:${row.id}`);

    // A viewer may not; nothing changes.
    t.fake.reset();
    await t.post(
      updates.callback(ack, { from: VIEWER, chat: TEAM_GROUP, messageId: row.message_id! }),
    );
    expect(t.fake.callsTo("editMessageText")).toEqual([]);
    expect(await acked(t)).toEqual([{ fingerprint: `stuck_worker:${id}`, acked_by: null }]);

    t.fake.reset();
    const res = await t.post(
      updates.callback(ack, { from: OPERATOR, chat: TEAM_GROUP, messageId: row.message_id! }),
    );
    expect(res.status).toBe(200);
    expect(await acked(t)).toEqual([{ fingerprint: `stuck_worker:${id}`, acked_by: "@olga_ops" }]);
    expect(t.fake.callsTo("answerCallbackQuery")[0]!.params.text).toMatch(/Acknowledged/);
    const [edit] = t.fake.callsTo("editMessageText");
    expect(edit!.params).toMatchObject({ chat_id: TEAM_GROUP.id, message_id: row.message_id });
    expect(String(edit!.params.text)).toContain("👀 Acked by @olga_ops");
    // The Ack button is gone; Silence and the runbook link stay.
    const after = buttonData(edit!.params);
    expect(after).toEqual([`sil:${row.id}:1h`, `sil:${row.id}:24h`, undefined]);

    // /alerts shows it as acked.
    t.fake.reset();
    await t.post(updates.message("/alerts", { from: OPERATOR }));
    expect(messagesTo(t.fake, privateChat(OPERATOR).id)[0]!.text).toContain(
      "👀 acked by @olga_ops",
    );

    // Past two repeat intervals: no repeat.
    t.fake.reset();
    clock.advance(31 * MINUTE);
    await tick(t);
    clock.advance(31 * MINUTE);
    await tick(t);
    expect(messagesTo(t.fake)).toEqual([]);

    // It resolves: the resolution is still sent.
    await finishWorkers(t.pool, [id!]);
    await tick(t);
    const resolved = messagesTo(t.fake);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.text).toContain("Resolved: 1 alert");

    // A new episode of the same alert is not acknowledged: announced, then repeated.
    await t.pool.query(
      "UPDATE worker_runs SET status = 'running', finished_at = NULL WHERE id = $1",
      [id],
    );
    t.fake.reset();
    clock.advance(MINUTE);
    await tick(t);
    clock.advance(31 * MINUTE);
    await tick(t);
    const again = messagesTo(t.fake).map((m) => m.text.split("\n")[0]);
    expect(again).toEqual([
      expect.stringContaining("1 alert firing"),
      expect.stringContaining("Still firing: 1 alert"),
    ]);
    expect(await acked(t)).toEqual([{ fingerprint: `stuck_worker:${id}`, acked_by: null }]);
  });

  it("refuses an Ack for another message, and a forged or malformed one, changing nothing", async () => {
    const clock = createFakeClock();
    const t = await apps.build({ clock });
    await insertStuckWorkers(t.pool, clock.now(), 1);
    await tick(t);
    const row = (await outbox(t.pool)).at(-1)!;
    for (const data of [`ack:${row.id}`, `ack:${row.id + 5}`]) {
      t.fake.reset();
      // The right id on the wrong message, then an id that does not exist.
      await t.post(updates.callback(data, { chat: TEAM_GROUP, messageId: row.message_id! + 100 }));
      expect(t.fake.callsTo("answerCallbackQuery")[0]!.params).toMatchObject({
        text: "That alert message is not known here.",
        show_alert: true,
      });
      expect(t.fake.callsTo("editMessageText")).toEqual([]);
    }
    t.fake.reset();
    await t.post(
      updates.callback(`ack:${row.id}x`, { chat: TEAM_GROUP, messageId: row.message_id! }),
    );
    expect(t.fake.callsTo("editMessageText")).toEqual([]);
    expect((await acked(t)).every((a) => a.acked_by === null)).toBe(true);
  });
});
