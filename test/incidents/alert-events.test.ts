// The record of what happened to each alert (opsbot.alert_events), written where it happens
// through the real pipeline: probes, ticks, the outbox, escalation, the Ack and Silence
// buttons, /silence and Alertmanager's receiver. Each event once, with the fake clock's
// time, also with two replicas on one database.
import { describe, expect, it } from "vitest";
import { shiftAt } from "../../src/oncall/rota.js";
import { parseShiftSpec } from "../../src/oncall/specs.js";
import { finishWorkers, insertStuckWorkers, outbox, tick, useApiHealth } from "../kit/alerts.js";
import { startFakeBotApi } from "../kit/fake-bot-api.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { createTestDatabase } from "../kit/postgres.js";
import {
  createUpdates,
  OPERATOR,
  privateChat,
  SECOND_OPERATOR,
  TEAM_GROUP,
} from "../kit/updates.js";
import {
  events,
  incidents,
  pageApiDown,
  postAlerts,
  resolveApiDown,
  ROTA,
  usePagingApps,
} from "./helpers.js";

const updates = createUpdates(260_000);
const api = useApiHealth();
type Clock = ReturnType<typeof createFakeClock>;
const apps = usePagingApps(api);
const { build } = apps;

const onCallNow = (clock: Clock) =>
  shiftAt(ROTA, parseShiftSpec("daily 09:00")!, "UTC", clock.now()).person;

/** Events as [event, fingerprint, actor id, actor name, detail]. */
const summary = (rows: Awaited<ReturnType<typeof events>>) =>
  rows.map((e) => [e.event, e.fingerprint, e.actor_id, e.actor_name, e.detail]);

describe("the alert event record", () => {
  it("records fired, paged, escalated (to whom), acked and silenced (by whom), resolved: each once, at the clock's time", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const t = await build(clock);
    const person = onCallNow(clock);
    await pageApiDown(t, clock, api);
    const pagedAt = clock.now();
    const page = (await outbox(t.pool)).find((r) => r.fingerprints.includes("api_down"))!;

    clock.set(new Date(pagedAt.getTime() + 5 * MINUTE));
    await t.app.paging!.run();
    clock.set(new Date(pagedAt.getTime() + 6 * MINUTE));
    const ackedAt = clock.now();
    await t.post(
      updates.callback(`ack:${page.id}`, { chat: TEAM_GROUP, messageId: page.message_id! }),
    );
    clock.set(new Date(pagedAt.getTime() + 7 * MINUTE));
    const silencedAt = clock.now();
    await t.post(updates.message("/silence api_down 2h", { from: SECOND_OPERATOR }));
    // A window that starts later covers nothing yet: not recorded.
    await t.post(updates.message("/silence pg_blocked 1h in 2h", { from: SECOND_OPERATOR }));
    await resolveApiDown(t, clock, api);
    const resolvedAt = clock.now();
    await t.app.paging!.run();

    const recorded = await events(t.pool);
    expect(summary(recorded)).toEqual([
      ["fired", "api_down", null, null, null],
      ["paged", "api_down", null, null, null],
      ["escalated", "api_down", person, null, "oncall"],
      ["acked", "api_down", OPERATOR.id, "@olga_ops", null],
      [
        "silenced",
        "api_down",
        SECOND_OPERATOR.id,
        "Omar (1002)",
        new Date(silencedAt.getTime() + 120 * MINUTE).toISOString(),
      ],
      ["resolved", "api_down", null, null, null],
    ]);
    expect(recorded.every((e) => e.severity === "critical")).toBe(true);
    const at = recorded.map((e) => e.at.getTime());
    expect(at.slice(0, 2)).toEqual([pagedAt.getTime(), pagedAt.getTime()]);
    expect(at.slice(2, 5)).toEqual([
      pagedAt.getTime() + 5 * MINUTE,
      ackedAt.getTime(),
      silencedAt.getTime(),
    ]);
    // Resolved by the probe round UP_AFTER_SECONDS after health came back.
    expect(at[5]).toBeLessThanOrEqual(resolvedAt.getTime());
    expect(at[5]).toBeGreaterThan(silencedAt.getTime());
  });

  it("records each escalation step: whom it paged (by name when they took the shift), then the group", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const t = await build(clock);
    const takenAt = clock.now();
    await t.post(updates.message("/oncall take 1h", { from: OPERATOR }));
    const nextAfterOverride = shiftAt(
      ROTA,
      parseShiftSpec("daily 09:00")!,
      "UTC",
      new Date(takenAt.getTime() + 60 * MINUTE),
    ).person;
    // The rota's person after the override is someone else, known by id only.
    expect(nextAfterOverride).toBe(SECOND_OPERATOR.id);
    await pageApiDown(t, clock, api);
    const pagedAt = clock.now().getTime();
    for (const minutes of [5, 10, 15]) {
      clock.set(new Date(pagedAt + minutes * MINUTE));
      await t.app.paging!.run();
    }
    const escalated = (await events(t.pool)).filter((e) => e.event === "escalated");
    expect(escalated.map((e) => [e.actor_id, e.actor_name, e.detail])).toEqual([
      [OPERATOR.id, "@olga_ops", "oncall"],
      [SECOND_OPERATOR.id, null, "next"],
      [null, null, "group"],
    ]);
    expect(escalated.map((e) => e.at.getTime() - pagedAt)).toEqual([
      5 * MINUTE,
      10 * MINUTE,
      15 * MINUTE,
    ]);
  });

  it("records a warning's fired and resolved, but no page; a silence button covers what its message announced", async () => {
    const clock = createFakeClock();
    const t = await build(clock);
    const [id] = await insertStuckWorkers(t.pool, clock.now(), 1);
    await tick(t);
    const page = (await outbox(t.pool)).at(-1)!;
    clock.advance(MINUTE);
    await t.post(
      updates.callback(`sil:${page.id}:1h`, { chat: TEAM_GROUP, messageId: page.message_id! }),
    );
    clock.advance(MINUTE);
    await finishWorkers(t.pool, [id!]);
    await tick(t);
    const fingerprint = `stuck_worker:${id}`;
    const recorded = await events(t.pool);
    expect(summary(recorded)).toEqual([
      ["fired", fingerprint, null, null, null],
      [
        "silenced",
        fingerprint,
        OPERATOR.id,
        "@olga_ops",
        new Date(clock.now().getTime() - MINUTE + 60 * MINUTE).toISOString(),
      ],
      ["resolved", fingerprint, null, null, null],
    ]);
    expect(recorded.map((e) => e.severity)).toEqual(["warning", "warning", "warning"]);
    expect(await incidents(t.pool)).toEqual([]);
  });

  it("records a maintenance window set to start later as silenced when it starts, by whom set it, once", async () => {
    const clock = createFakeClock();
    const t = await build(clock);
    const [early] = await insertStuckWorkers(t.pool, clock.now(), 1);
    await tick(t);
    await t.post(updates.message("/silence stuck_worker:* 2h in 30m", { chat: TEAM_GROUP }));
    const startsAt = new Date(clock.now().getTime() + 30 * MINUTE);
    const until = new Date(startsAt.getTime() + 120 * MINUTE).toISOString();
    clock.advance(29 * MINUTE);
    await tick(t);
    expect(summary(await events(t.pool))).toEqual([
      ["fired", `stuck_worker:${early}`, null, null, null],
    ]);

    // The first tick after the start comes two minutes late, and meets one more alert that
    // began after the start: it is silenced from when it fired, not before.
    clock.advance(2 * MINUTE);
    const [late] = await insertStuckWorkers(t.pool, clock.now(), 1);
    await tick(t);
    clock.advance(MINUTE);
    await tick(t);
    const recorded = await events(t.pool);
    expect(summary(recorded)).toEqual([
      ["fired", `stuck_worker:${early}`, null, null, null],
      ["silenced", `stuck_worker:${early}`, null, "@olga_ops", until],
      ["fired", `stuck_worker:${late}`, null, null, null],
      ["silenced", `stuck_worker:${late}`, null, "@olga_ops", until],
    ]);
    expect(recorded[1]!.at).toEqual(startsAt);
    expect(recorded[3]!.at).toEqual(recorded[2]!.at);
  });

  it("records Alertmanager's alerts (am:) like the watcher's: fired, paged when critical, resolved", async () => {
    const clock = createFakeClock();
    const t = await build(clock);
    const critical = {
      alertname: "DiskFull",
      fingerprint: "00000000000000aa",
      severity: "critical",
    };
    const warning = { alertname: "SlowQueries", fingerprint: "00000000000000bb" };
    await postAlerts(t, clock, [critical, warning]);
    clock.advance(MINUTE);
    await postAlerts(t, clock, [{ ...critical, status: "resolved" }]);
    expect(summary(await events(t.pool))).toEqual([
      ["fired", "am:DiskFull:00000000000000aa", null, null, null],
      ["fired", "am:SlowQueries:00000000000000bb", null, null, null],
      ["paged", "am:DiskFull:00000000000000aa", null, null, null],
      ["resolved", "am:DiskFull:00000000000000aa", null, null, null],
    ]);
  });

  it("two replicas record each event once, a private page's Ack with who pressed it", async () => {
    api.state.healthy = true;
    const clock = createFakeClock();
    const database = await createTestDatabase({ migrated: true });
    const fake = await startFakeBotApi();
    apps.closeAfter({ close: () => fake.close() }, { close: () => database.drop() });
    const a = await build(clock, { database, fake });
    const b = await build(clock, { database, fake });
    const person = onCallNow(clock);
    await pageApiDown([a, b], clock, api);
    const pagedAt = clock.now();
    clock.set(new Date(pagedAt.getTime() + 5 * MINUTE));
    await Promise.all([a.app.paging!.run(), b.app.paging!.run()]);
    const { rows } = await a.pool.query<{ id: number; message_id: number }>(
      "SELECT id, message_id FROM opsbot.escalation_steps WHERE sent_at IS NOT NULL",
    );
    const paged = person === OPERATOR.id ? OPERATOR : SECOND_OPERATOR;
    await b.post(
      updates.callback(`page:${rows[0]!.id}`, {
        from: paged,
        chat: privateChat(paged),
        messageId: rows[0]!.message_id,
      }),
    );
    await resolveApiDown([a, b], clock, api);
    await Promise.all([a.app.paging!.run(), b.app.paging!.run()]);
    const actorName = paged.username ? `@${paged.username}` : `${paged.first_name} (${paged.id})`;
    expect(summary(await events(a.pool))).toEqual([
      ["fired", "api_down", null, null, null],
      ["paged", "api_down", null, null, null],
      ["escalated", "api_down", person, null, "oncall"],
      ["acked", "api_down", paged.id, actorName, null],
      ["resolved", "api_down", null, null, null],
    ]);
    const [incident, ...more] = await incidents(a.pool);
    expect(more).toEqual([]);
    expect(incident).toMatchObject({ fingerprints: ["api_down"], opened_at: pagedAt });
    expect(incident!.closed_at).not.toBeNull();
  });
});
