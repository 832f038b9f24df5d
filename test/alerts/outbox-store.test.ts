// The outbox's due rows on real PostgreSQL: the per-tick limit is per chat, across its
// topics, since Telegram limits a chat (about 20 messages a minute in a group).
import { describe, expect, it } from "vitest";
import { enqueue, pendingNotifications, reschedule } from "../../src/alerts/outbox-store.js";
import type { AlertState } from "../../src/alerts/types.js";
import { useMigratedPool } from "../kit/migrated-pool.js";

const NOW = new Date("2026-12-01T03:00:00Z");
const GROUP = -1001234567890;
const OTHER_GROUP = -1009876543210;
const alert: AlertState = {
  fingerprint: "stuck_worker:1",
  kind: "stuck_worker",
  source: "stuck",
  summary: "stuck",
  firingSince: NOW,
  resolvedAt: null,
  notifiedAt: null,
  queuedAt: NOW,
};

const db = useMigratedPool();

describe("pendingNotifications", () => {
  it("gives at most the limit per chat across its topics, each other chat its own", async () => {
    for (const threadId of [1, 2, 3]) {
      for (let i = 0; i < 5; i++)
        await enqueue(db.pool, "firing", [alert], { chatId: GROUP, threadId }, NOW);
    }
    for (let i = 0; i < 5; i++)
      await enqueue(db.pool, "firing", [alert], { chatId: OTHER_GROUP }, NOW);

    const due = await pendingNotifications(db.pool, NOW, 10);
    expect(due.filter((r) => r.chatId === GROUP)).toHaveLength(10);
    expect(due.filter((r) => r.chatId === OTHER_GROUP)).toHaveLength(5);
    // Oldest first: the first topic's five, then the second's.
    expect(due.filter((r) => r.chatId === GROUP).map((r) => r.threadId)).toEqual([
      1, 1, 1, 1, 1, 2, 2, 2, 2, 2,
    ]);
  });

  it("leaves a topic that backs off out, and gives its place to the chat's other topics", async () => {
    await db.pool.query("TRUNCATE opsbot.outbox");
    for (const threadId of [1, 2]) {
      for (let i = 0; i < 6; i++)
        await enqueue(db.pool, "firing", [alert], { chatId: GROUP, threadId }, NOW);
    }
    const [first] = await pendingNotifications(db.pool, NOW, 10);
    await reschedule(db.pool, first!, new Date(NOW.getTime() + 60_000), "429");

    const due = await pendingNotifications(db.pool, NOW, 10);
    expect(due.map((r) => r.threadId)).toEqual([2, 2, 2, 2, 2, 2]);
  });
});
