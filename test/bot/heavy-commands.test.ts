// 60 /runs JOB at once through the real webhook while every query on worker_runs waits on a
// lock (a slow database): the commands take a few turns and tell the rest to try again, and
// a watcher tick still starts on connections of its own, waits like anyone, and finishes.
import pg from "pg";
import type { Chat } from "grammy/types";
import { describe, expect, it } from "vitest";
import { EN } from "../kit/english.js";
import { eventually, useAlertApps } from "../kit/alerts.js";
import { createUpdates, VIEWER } from "../kit/updates.js";

const apps = useAlertApps();
const updates = createUpdates(700_000);
const COMMANDS = 60;

const group = (i: number): Chat.GroupChat => ({
  id: -7_000_000 - i,
  type: "group",
  title: `g${i}`,
});

describe("heavy commands under a flood", () => {
  it("60 concurrent /runs JOB: some run, the rest are told busy, and a tick starts and finishes", async () => {
    const t = await apps.build();
    if (t.database?.embedded) return; // one connection: nothing to reserve
    await t.pool.query(
      `INSERT INTO worker_runs (job_type, status, started_at, finished_at)
       SELECT 'digest', 'ok', now() - make_interval(hours => h), now() - make_interval(hours => h)
         FROM generate_series(1, 20) AS h`,
    );
    const holder = new pg.Client({ connectionString: t.config.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE worker_runs IN ACCESS EXCLUSIVE MODE");
      const chats = Array.from({ length: COMMANDS }, (_, i) => group(i));
      const posts = chats.map((chat) =>
        t.post(updates.message("/runs digest", { from: VIEWER, chat })),
      );
      const ticked = t.app.watcher.tick(`test-tick:${process.pid}:flood`);
      // The tick got a connection of its own: it waits on the lock like the commands.
      await eventually(
        async () =>
          (
            await holder.query(
              `SELECT 1 FROM pg_stat_activity
                WHERE application_name = 'opsbot-watcher' AND wait_event_type = 'Lock'`,
            )
          ).rowCount! > 0,
        20_000,
        "a watcher query waiting on the lock",
      );
      await holder.query("COMMIT");
      expect(await ticked).toBe("ok");
      await Promise.all(posts);
    } finally {
      await holder.end();
    }

    const firstReply = (chat: Chat) =>
      t.fake.callsTo("sendMessage").find((c) => c.params.chat_id === chat.id)?.params.text;
    await eventually(
      () => Array.from({ length: COMMANDS }, (_, i) => firstReply(group(i))).every(Boolean),
      30_000,
      "a reply in every chat",
    );
    const replies = Array.from({ length: COMMANDS }, (_, i) => String(firstReply(group(i))));
    const busy = replies.filter((r) => r === EN.t("error-busy"));
    expect(busy.length).toBeGreaterThan(0);
    expect(replies.filter((r) => r.includes("digest")).length).toBeGreaterThan(0);
    expect(replies.filter((r) => /went wrong/.test(r))).toEqual([]);
  }, 60_000);
});
