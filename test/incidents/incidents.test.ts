// Incidents through the real pipeline: opened by a critical page, joined by another within
// 10 minutes while open, closed when all their alerts resolve; one incident across two
// replicas; the timeline (alert events and the actions run meanwhile) in time order, kept
// across a restart since all of it is in PostgreSQL.
import { describe, expect, it } from "vitest";
import { createIncidentsDesk } from "../../src/incidents/incidents-desk.js";
import { useApiHealth } from "../kit/alerts.js";
import { startFakeBotApi } from "../kit/fake-bot-api.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { createTestDatabase } from "../kit/postgres.js";
import { createUpdates, OPERATOR, SECOND_OPERATOR } from "../kit/updates.js";
import { incidents, postAlerts, SECOND, usePagingApps } from "./helpers.js";
import {
  LAG_FINGERPRINT,
  playScriptedIncident,
  SCRIPT_START,
  scriptClock,
} from "./scripted-incident.js";

const updates = createUpdates(270_000);
const api = useApiHealth();
const apps = usePagingApps(api);
const { build } = apps;

const critical = (n: number) => ({
  alertname: `Critical${n}`,
  fingerprint: n.toString(16).padStart(16, "0"),
  severity: "critical",
});
const fingerprintOf = (n: number) => `am:Critical${n}:${critical(n).fingerprint}`;

describe("incidents", () => {
  it("a critical page opens one, another within 10 minutes joins it, a later one opens another; each closes when all its alerts have resolved", async () => {
    const clock = createFakeClock();
    const t = await build(clock);
    const desk = createIncidentsDesk(t.pool);
    const t0 = clock.now().getTime();
    const at = (minutes: number) => clock.set(new Date(t0 + minutes * MINUTE));
    const started: Record<number, string> = {};
    const fire = async (n: number) => {
      started[n] = clock.now().toISOString();
      await postAlerts(t, clock, [critical(n)]);
    };
    const resolve = (n: number) =>
      postAlerts(t, clock, [{ ...critical(n), startsAt: started[n]!, status: "resolved" }]);

    await fire(1);
    at(4);
    // A warning pages nobody: no incident of its own, none joined.
    await postAlerts(t, clock, [{ alertname: "Slow", fingerprint: "00000000000000ff" }]);
    at(10);
    await fire(2);
    at(11);
    await fire(3);
    expect(await incidents(t.pool)).toEqual([
      {
        id: 1,
        opened_at: new Date(t0),
        closed_at: null,
        fingerprints: [fingerprintOf(1), fingerprintOf(2)],
      },
      {
        id: 2,
        opened_at: new Date(t0 + 11 * MINUTE),
        closed_at: null,
        fingerprints: [fingerprintOf(3)],
      },
    ]);
    expect((await desk.current(clock.now())).open?.incident.number).toBe(2);

    at(15);
    await resolve(1);
    expect((await incidents(t.pool))[0]!.closed_at).toBeNull();
    at(16);
    await resolve(2);
    expect((await incidents(t.pool))[0]!.closed_at).toEqual(new Date(t0 + 16 * MINUTE));
    // A page joins the latest incident opened in the last 10 minutes that is still open.
    await fire(1);
    at(17);
    await resolve(3);
    at(18);
    await resolve(1);
    expect((await incidents(t.pool)).map((i) => [i.id, i.fingerprints, i.closed_at])).toEqual([
      [1, [fingerprintOf(1), fingerprintOf(2)], new Date(t0 + 16 * MINUTE)],
      [2, [fingerprintOf(1), fingerprintOf(3)], new Date(t0 + 18 * MINUTE)],
    ]);
    expect(await desk.current(clock.now())).toEqual({ lastClosed: 2 });
    // Incident 2 opened 8 minutes ago, but it is closed: a page opens another.
    at(19);
    await fire(2);
    expect((await incidents(t.pool)).map((i) => [i.id, i.closed_at === null])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(await desk.countOpened({ from: new Date(t0), to: new Date(t0 + 11 * MINUTE) })).toBe(1);
    expect(await desk.countOpened({ from: new Date(t0), to: clock.now() })).toBe(2);
    expect(await desk.countOpened({ from: new Date(t0), to: new Date(t0 + 20 * MINUTE) })).toBe(3);
  });

  it("pages delivered by two replicas join one incident", async () => {
    const clock = createFakeClock();
    const database = await createTestDatabase({ migrated: true });
    const fake = await startFakeBotApi();
    apps.closeAfter({ close: () => fake.close() }, { close: () => database.drop() });
    const a = await build(clock, { database, fake });
    const b = await build(clock, { database, fake });
    await postAlerts(a, clock, [critical(1)]);
    clock.advance(MINUTE);
    await postAlerts(b, clock, [critical(2)]);
    expect(await incidents(a.pool)).toEqual([
      {
        id: 1,
        opened_at: new Date(clock.now().getTime() - MINUTE),
        closed_at: null,
        fingerprints: [fingerprintOf(1), fingerprintOf(2)],
      },
    ]);
  });

  it("the timeline holds the alerts' events and the actions run while it was open, in time order, and a restart keeps it", async () => {
    const clock = scriptClock();
    const database = await createTestDatabase({ migrated: true });
    const fake = await startFakeBotApi();
    apps.closeAfter({ close: () => fake.close() }, { close: () => database.drop() });
    const t = await build(clock, { database, fake });
    await playScriptedIncident(t, clock, api, updates);
    const record = await createIncidentsDesk(t.pool).incident(1, clock.now());
    const pagedAt = SCRIPT_START.getTime() + 2 * SECOND;
    const after = (entryAt: Date) => (entryAt.getTime() - pagedAt) / SECOND;

    expect(record!.incident).toMatchObject({
      number: 1,
      openedAt: new Date(pagedAt),
      closedAt: new Date(pagedAt + 20 * MINUTE),
    });
    expect(record!.incident.alerts.map((a) => a.fingerprint)).toEqual([
      "api_down",
      LAG_FINGERPRINT,
    ]);
    const steps = record!.timeline.map((e) =>
      e.type === "alert"
        ? [after(e.at), e.event, e.fingerprint, e.actor?.id ?? null, e.detail ?? null]
        : [after(e.at), e.step, e.action.kind, e.action.ref, e.outcome ?? null],
    );
    const silencedUntil = new Date(pagedAt + 69 * MINUTE).toISOString();
    expect(steps).toEqual([
      [0, "fired", "api_down", null, null],
      [0, "paged", "api_down", null, null],
      [180, "fired", LAG_FINGERPRINT, null, null],
      [180, "paged", LAG_FINGERPRINT, null, null],
      [300, "escalated", "api_down", expect.any(Number), "oncall"],
      [420, "acked", "api_down", OPERATOR.id, null],
      [480, "escalated", LAG_FINGERPRINT, expect.any(Number), "oncall"],
      [510, "started", "rollback", "v1.4.2", null],
      [540, "silenced", LAG_FINGERPRINT, SECOND_OPERATOR.id, silencedUntil],
      [600, "finished", "rollback", "v1.4.2", "succeeded"],
      [expect.any(Number), "resolved", "api_down", null, null],
      [1200, "resolved", LAG_FINGERPRINT, null, null],
    ]);
    expect(record!.actions.map((a) => [a.kind, a.ref, a.requestedBy])).toEqual([
      ["rollback", "v1.4.2", "@olga_ops"],
    ]);
    expect(record!.impact).toEqual({
      openMs: 20 * MINUTE,
      firstAckMs: 7 * MINUTE,
      resolveMs: 20 * MINUTE,
    });

    // A new process on the same database tells the same story.
    await apps.closeNewest();
    const restarted = await build(clock, { database, fake });
    expect(await createIncidentsDesk(restarted.pool).incident(1, clock.now())).toEqual(record);
  });
});
