import { describe, expect, it } from "vitest";
import { advanceAlertState, type AlertStateInput } from "../../src/alerts/state.js";
import type { Alert, AlertState, Silence, Source } from "../../src/alerts/types.js";
import { createFakeClock, HOUR, MINUTE } from "../kit/fake-clock.js";

const REPEAT = 240 * MINUTE;
const ALL: ReadonlySet<Source> = new Set<Source>([
  "api",
  "postgres",
  "redis",
  "stuck",
  "jobs",
  "sync",
]);
const stuck: Alert = {
  fingerprint: "stuck_worker:7",
  kind: "stuck_worker",
  source: "stuck",
  summary: "run 7",
};

/** Drives the pure step like the watcher does: state carried from tick to tick. */
function simulate() {
  const clock = createFakeClock();
  let open: AlertState[] = [];
  const tick = (observed: Alert[], extra: Partial<AlertStateInput> = {}) => {
    const result = advanceAlertState({
      open,
      observed,
      evaluated: ALL,
      silences: [],
      now: clock.now(),
      repeatMs: REPEAT,
      ...extra,
    });
    const byFp = new Map(open.map((a) => [a.fingerprint, a]));
    for (const changed of result.changed) byFp.set(changed.fingerprint, changed);
    open = [...byFp.values()].filter((a) => a.resolvedAt === null);
    return result;
  };
  /** What the outbox does once Telegram answered ok. */
  const delivered = (fingerprints: string[]) => {
    open = open.map((a) =>
      fingerprints.includes(a.fingerprint) ? { ...a, notifiedAt: clock.now(), queuedAt: null } : a,
    );
  };
  const fps = (alerts: AlertState[]) => alerts.map((a) => a.fingerprint);
  return { clock, tick, delivered, fps, open: () => open };
}

describe("alert state step", () => {
  it("announces a new alert once", () => {
    const s = simulate();
    const first = s.tick([stuck]);
    expect(s.fps(first.firing)).toEqual(["stuck_worker:7"]);
    expect(first.changed[0]).toMatchObject({
      firingSince: s.clock.now(),
      queuedAt: s.clock.now(),
      notifiedAt: null,
    });
    // Queued but not yet delivered: not announced again.
    s.clock.advance(MINUTE);
    expect(s.tick([stuck]).firing).toEqual([]);
  });

  it("does not repeat before ALERT_REPEAT_MINUTES and repeats once after", () => {
    const s = simulate();
    s.tick([stuck]);
    s.delivered(["stuck_worker:7"]);
    for (let minutes = 30; minutes < 240; minutes += 30) {
      s.clock.advance(30 * MINUTE);
      const early = s.tick([stuck]);
      expect(early.firing).toEqual([]);
      expect(early.repeat).toEqual([]);
    }
    s.clock.advance(30 * MINUTE);
    expect(s.fps(s.tick([stuck]).repeat)).toEqual(["stuck_worker:7"]);
    s.clock.advance(MINUTE);
    expect(s.tick([stuck]).repeat).toEqual([]);
  });

  it("resolves an announced alert once when it clears", () => {
    const s = simulate();
    s.tick([stuck]);
    s.delivered(["stuck_worker:7"]);
    s.clock.advance(5 * MINUTE);
    const cleared = s.tick([]);
    expect(s.fps(cleared.resolved)).toEqual(["stuck_worker:7"]);
    expect(cleared.resolved[0]?.resolvedAt).toEqual(s.clock.now());
    expect(s.tick([]).resolved).toEqual([]);
  });

  it("ends a superseded alert without a resolution: an escalation is no recovery", () => {
    const s = simulate();
    const failed: Alert = {
      fingerprint: "job_failed:a",
      kind: "job_failed",
      source: "jobs",
      summary: "failed",
    };
    s.tick([failed]);
    s.delivered(["job_failed:a"]);
    s.clock.advance(MINUTE);
    const suspended: Alert = {
      fingerprint: "job_suspended:a",
      kind: "job_suspended",
      source: "jobs",
      summary: "suspended",
      supersedes: "job_failed:a",
    };
    const escalated = s.tick([suspended]);
    expect(escalated.resolved).toEqual([]);
    expect(s.fps(escalated.firing)).toEqual(["job_suspended:a"]);
    expect(s.fps(s.open())).toEqual(["job_suspended:a"]);
  });

  it("ends alerts out of scope quietly, even from a source not evaluated this tick", () => {
    const s = simulate();
    const other: Alert = { ...stuck, fingerprint: "stuck_worker:9" };
    s.tick([stuck, other]);
    s.delivered(["stuck_worker:7", "stuck_worker:9"]);
    const narrowed = s.tick([], {
      evaluated: new Set<Source>(),
      outOfScope: (alert) => alert.fingerprint === "stuck_worker:9",
    });
    expect(narrowed.resolved).toEqual([]);
    expect(s.fps(s.open())).toEqual(["stuck_worker:7"]);
  });

  it("says nothing about an alert that fired and cleared before it was sent", () => {
    const s = simulate();
    s.tick([stuck]);
    s.clock.advance(MINUTE);
    const cleared = s.tick([]);
    expect(cleared.resolved).toEqual([]);
    expect(cleared.changed[0]?.resolvedAt).toEqual(s.clock.now());
  });

  it("treats a re-fire after resolution as a new episode, announced again", () => {
    const s = simulate();
    s.tick([stuck]);
    s.delivered(["stuck_worker:7"]);
    s.clock.advance(MINUTE);
    s.tick([]);
    s.clock.advance(MINUTE);
    const again = s.tick([stuck]);
    expect(s.fps(again.firing)).toEqual(["stuck_worker:7"]);
    expect(again.firing[0]).toMatchObject({ firingSince: s.clock.now(), notifiedAt: null });
  });

  it("stays quiet about a silenced alert and announces it when the silence ends", () => {
    const s = simulate();
    const silences: Silence[] = [
      {
        matcher: "stuck_worker:*",
        startsAt: s.clock.now(),
        until: new Date(s.clock.now().getTime() + HOUR),
        createdBy: "@olga",
      },
    ];
    expect(s.tick([stuck], { silences }).firing).toEqual([]);
    s.clock.advance(30 * MINUTE);
    expect(s.tick([stuck], { silences }).firing).toEqual([]);
    s.clock.advance(31 * MINUTE);
    expect(s.fps(s.tick([stuck], { silences }).firing)).toEqual(["stuck_worker:7"]);
  });

  it("neither fires nor resolves what could not be evaluated (inhibition)", () => {
    const s = simulate();
    s.tick([stuck]);
    s.delivered(["stuck_worker:7"]);
    const withoutStuck = new Set<Source>(["api", "postgres", "redis"]);
    s.clock.advance(MINUTE);
    const inhibited = s.tick([], { evaluated: withoutStuck });
    expect(inhibited.resolved).toEqual([]);
    expect(inhibited.changed).toEqual([]);
    expect(s.fps(s.open())).toEqual(["stuck_worker:7"]);
    s.clock.advance(MINUTE);
    expect(s.fps(s.tick([]).resolved)).toEqual(["stuck_worker:7"]);
  });

  it("groups everything of one tick and keeps a storm to single lists", () => {
    const s = simulate();
    const storm = Array.from({ length: 5000 }, (_, i): Alert => ({
      fingerprint: `stuck_worker:${i}`,
      kind: "stuck_worker",
      source: "stuck",
      summary: `run ${i}`,
    }));
    const result = s.tick(storm);
    expect(result.firing).toHaveLength(5000);
    s.clock.advance(MINUTE);
    expect(s.tick(storm).changed).toEqual([]);
  });

  it("stores a changed summary without announcing it again", () => {
    const s = simulate();
    s.tick([stuck]);
    s.delivered(["stuck_worker:7"]);
    s.clock.advance(MINUTE);
    const result = s.tick([{ ...stuck, summary: "run 7, new detail" }]);
    expect(result.firing).toEqual([]);
    expect(result.changed[0]?.summary).toBe("run 7, new detail");
  });

  it("keeps one row per fingerprint when the rules report one twice", () => {
    const s = simulate();
    const result = s.tick([stuck, { ...stuck, summary: "run 7 again" }]);
    expect(result.changed.map((a) => a.fingerprint)).toEqual(["stuck_worker:7"]);
    expect(result.firing).toHaveLength(1);
  });

  it("does not repeat an acknowledged alert, still resolves it, and a new episode fires anew", () => {
    const s = simulate();
    s.tick([stuck]);
    s.delivered(["stuck_worker:7"]);
    const acked = new Set(["stuck_worker:7"]);
    s.clock.advance(REPEAT + MINUTE);
    expect(s.tick([stuck], { acked }).repeat).toEqual([]);
    s.clock.advance(REPEAT);
    expect(s.tick([stuck], { acked }).repeat).toEqual([]);
    s.clock.advance(MINUTE);
    expect(s.fps(s.tick([], { acked }).resolved)).toEqual(["stuck_worker:7"]);
    // The store clears the ack with the episode; a new one is announced.
    s.clock.advance(MINUTE);
    expect(s.fps(s.tick([stuck]).firing)).toEqual(["stuck_worker:7"]);
  });

  it("keeps quiet only inside a scheduled silence's window", () => {
    const s = simulate();
    const silences: Silence[] = [
      {
        matcher: "stuck_worker:7",
        startsAt: new Date(s.clock.now().getTime() + HOUR),
        until: new Date(s.clock.now().getTime() + 2 * HOUR),
        createdBy: "@olga",
      },
    ];
    // Before the window: announced as usual.
    expect(s.fps(s.tick([stuck], { silences }).firing)).toEqual(["stuck_worker:7"]);
    // It clears, and fires again inside the window: nothing is announced.
    s.tick([]);
    s.clock.advance(HOUR + MINUTE);
    expect(s.tick([stuck], { silences }).firing).toEqual([]);
  });

  it("carries an explicit severity and stores a change of it", () => {
    const s = simulate();
    const am: Alert = {
      fingerprint: "am:High5xxRate:abc",
      kind: "am",
      source: "alertmanager",
      summary: "5xx above 5 %",
      severity: "warning",
    };
    expect(s.tick([am]).firing[0]).toMatchObject({ severity: "warning" });
    s.clock.advance(MINUTE);
    const raised = s.tick([{ ...am, severity: "critical" }]);
    expect(raised.changed[0]).toMatchObject({ severity: "critical" });
  });

  it("carries an alert's own runbook and stores a change of it, or its removal", () => {
    const s = simulate();
    const runbook = { title: "High5xxRate", url: "https://wiki.example/rb/5xx" };
    const am: Alert = {
      fingerprint: "am:High5xxRate:abc",
      kind: "am",
      source: "alertmanager",
      summary: "5xx above 5 %",
      runbook,
    };
    expect(s.tick([am]).firing[0]).toMatchObject({ runbook });
    s.clock.advance(MINUTE);
    expect(s.tick([am]).changed).toEqual([]);
    const moved = { ...runbook, url: "https://wiki.example/rb/5xx-v2" };
    expect(s.tick([{ ...am, runbook: moved }]).changed[0]).toMatchObject({ runbook: moved });
    const { runbook: _dropped, ...without } = am;
    expect(s.tick([without]).changed[0]).not.toHaveProperty("runbook");
  });
});
