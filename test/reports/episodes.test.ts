// The rollup /report reads (src/reports/episodes.ts): alert_events become one row per
// episode, incrementally, and events of the last minute wait (an earlier id may not have
// committed yet).
import { describe, expect, it } from "vitest";
import { refreshEpisodes } from "../../src/reports/episodes.js";
import { useMigratedPool } from "../kit/migrated-pool.js";
import { insertEvents } from "./scripted-week.js";

const db = useMigratedPool();

const episodes = async () =>
  (
    await db.pool.query<{
      fingerprint: string;
      fired_at: Date;
      paged_at: Date | null;
      acked_at: Date | null;
      resolved_at: Date | null;
    }>(
      `SELECT fingerprint, fired_at, paged_at, acked_at, resolved_at
         FROM opsbot.alert_episodes ORDER BY fired_at, id`,
    )
  ).rows;

const at = (iso: string) => new Date(iso);

describe("the episode rollup", () => {
  it("opens an episode per fire and fills in its first page, first ack and resolution, as events arrive", async () => {
    await insertEvents(db.pool, [
      { at: "2030-06-04T02:00:00Z", fingerprint: "api_down", event: "fired" },
      { at: "2030-06-04T02:01:00Z", fingerprint: "api_down", event: "paged" },
    ]);
    await refreshEpisodes(db.pool, at("2030-06-04T02:10:00Z"));
    expect(await episodes()).toEqual([
      {
        fingerprint: "api_down",
        fired_at: at("2030-06-04T02:00:00Z"),
        paged_at: at("2030-06-04T02:01:00Z"),
        acked_at: null,
        resolved_at: null,
      },
    ]);

    await insertEvents(db.pool, [
      { at: "2030-06-04T02:12:00Z", fingerprint: "api_down", event: "acked", actor: "Ann" },
      { at: "2030-06-04T02:13:00Z", fingerprint: "api_down", event: "acked", actor: "Bob" },
      { at: "2030-06-04T02:20:00Z", fingerprint: "api_down", event: "resolved" },
      { at: "2030-06-04T03:00:00Z", fingerprint: "api_down", event: "fired" },
      // Within the last minute of the refresh below: waits, and so does what follows it.
      { at: "2030-06-04T03:29:30Z", fingerprint: "api_down", event: "paged" },
    ]);
    await refreshEpisodes(db.pool, at("2030-06-04T03:30:00Z"));
    expect(await episodes()).toEqual([
      {
        fingerprint: "api_down",
        fired_at: at("2030-06-04T02:00:00Z"),
        paged_at: at("2030-06-04T02:01:00Z"),
        acked_at: at("2030-06-04T02:12:00Z"),
        resolved_at: at("2030-06-04T02:20:00Z"),
      },
      {
        fingerprint: "api_down",
        fired_at: at("2030-06-04T03:00:00Z"),
        paged_at: null,
        acked_at: null,
        resolved_at: null,
      },
    ]);

    await refreshEpisodes(db.pool, at("2030-06-04T03:31:00Z"));
    expect((await episodes())[1]!.paged_at).toEqual(at("2030-06-04T03:29:30Z"));
    // Read once: a further refresh changes nothing.
    await refreshEpisodes(db.pool, at("2030-06-04T04:00:00Z"));
    expect(await episodes()).toHaveLength(2);
  });
});
