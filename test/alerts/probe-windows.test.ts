import { describe, expect, it } from "vitest";
import { createProbeWindows } from "../../src/alerts/probe-windows.js";

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 6, 3, 0, seconds));

describe("probe windows", () => {
  const windows = () => createProbeWindows({ downAfterMs: 25_000, upAfterMs: 30_000 });

  it("is undecided until a run of failures spans DOWN_AFTER_SECONDS, then down with its start and reason", () => {
    const w = windows();
    w.record("api", true, at(0), "HTTP 503");
    w.record("api", true, at(10), "timeout");
    w.record("api", true, at(20), "timeout");
    expect(w.verdictOf("api")).toEqual({ verdict: "undecided" });
    w.record("api", true, at(25), "timeout");
    expect(w.verdictOf("api")).toEqual({ verdict: "down", since: at(0), error: "timeout" });
  });

  it("starts over on one passing probe, and needs UP_AFTER_SECONDS of passing to be up", () => {
    const w = windows();
    for (const s of [0, 10, 20]) w.record("redis", true, at(s));
    w.record("redis", false, at(24));
    w.record("redis", true, at(30));
    w.record("redis", true, at(50));
    expect(w.verdictOf("redis").verdict).toBe("undecided");
    w.record("redis", false, at(60));
    w.record("redis", false, at(80));
    expect(w.verdictOf("redis").verdict).toBe("undecided");
    w.record("redis", false, at(90));
    expect(w.verdictOf("redis")).toEqual({ verdict: "up" });
  });

  it("keeps each component apart", () => {
    const w = windows();
    w.record("api", true, at(0));
    w.record("postgres", false, at(0));
    w.record("api", true, at(30));
    w.record("postgres", false, at(30));
    expect(w.verdictOf("api").verdict).toBe("down");
    expect(w.verdictOf("postgres").verdict).toBe("up");
    expect(w.verdictOf("redis").verdict).toBe("undecided");
  });

  it("says when the earliest open window closes, so a probe then decides it on time", () => {
    const w = windows();
    expect(w.nextDecisionAt()).toBeUndefined();
    w.record("api", true, at(3));
    w.record("postgres", false, at(0));
    expect(w.nextDecisionAt()).toEqual(at(28));
    w.record("api", true, at(28));
    // api decided; postgres still open until 30 s.
    expect(w.nextDecisionAt()).toEqual(at(30));
  });
});
