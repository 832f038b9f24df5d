// The rota's arithmetic: daily and weekly handovers at local wall-clock time, exact across
// daylight-saving changes in both directions (Berlin and New York), pure functions.
import { describe, expect, it } from "vitest";
import { shiftAt, type ShiftSpec } from "../../src/oncall/rota.js";
import { parseDuration, parseEscalation, parseShiftSpec } from "../../src/oncall/specs.js";

const ROTA = [11, 22, 33];
const at = (iso: string) => new Date(iso);
const daily = (text: string) => parseShiftSpec(`daily ${text}`)!;

describe("shiftAt", () => {
  it("hands over daily at the local time, each day to the next person, shifts back to back", () => {
    const shift = daily("09:00");
    const first = shiftAt(ROTA, shift, "Europe/Moscow", at("2026-12-07T07:00:00Z"));
    expect(first.since).toEqual(at("2026-12-07T06:00:00Z"));
    expect(first.until).toEqual(at("2026-12-08T06:00:00Z"));
    // One second before the handover: still the previous shift.
    const before = shiftAt(ROTA, shift, "Europe/Moscow", at("2026-12-07T05:59:59Z"));
    expect(before.until).toEqual(first.since);
    expect(before.next).toBe(first.person);
    const after = shiftAt(ROTA, shift, "Europe/Moscow", first.until);
    expect(after.since).toEqual(first.until);
    expect(after.person).toBe(first.next);
    const people = [0, 1, 2, 3].map(
      (d) => shiftAt(ROTA, shift, "UTC", new Date(Date.UTC(2026, 11, 7 + d, 12))).person,
    );
    expect(new Set(people.slice(0, 3)).size).toBe(3);
    expect(people[3]).toBe(people[0]);
  });

  it("hands over weekly on the day given, the default being Monday 10:00 UTC", () => {
    const shift = parseShiftSpec("weekly mon 10:00")!;
    const s = shiftAt(ROTA, shift, "UTC", at("2026-12-09T15:00:00Z")); // a Wednesday
    expect(s.since).toEqual(at("2026-12-07T10:00:00Z"));
    expect(s.until).toEqual(at("2026-12-14T10:00:00Z"));
    const sunday = shiftAt(ROTA, parseShiftSpec("weekly sun 23:30")!, "UTC", s.since);
    expect(sunday.since).toEqual(at("2026-12-06T23:30:00Z"));
    expect(shiftAt(ROTA, shift, "UTC", s.until).person).toBe(s.next);
  });

  it("is exact across Berlin's spring forward: a week of 167 hours, a missing 02:30 happens at 03:00", () => {
    const weekly = parseShiftSpec("weekly mon 10:00")!;
    const s = shiftAt(ROTA, weekly, "Europe/Berlin", at("2026-03-29T12:00:00Z"));
    expect(s.since).toEqual(at("2026-03-23T09:00:00Z")); // 10:00 CET
    expect(s.until).toEqual(at("2026-03-30T08:00:00Z")); // 10:00 CEST
    const gap = shiftAt(ROTA, daily("02:30"), "Europe/Berlin", at("2026-03-29T12:00:00Z"));
    expect(gap.since).toEqual(at("2026-03-29T01:00:00Z")); // 03:00 CEST, the first instant after
    expect(gap.until).toEqual(at("2026-03-30T00:30:00Z"));
  });

  it("is exact across Berlin's fall back: a 02:30 that occurs twice hands over once", () => {
    const shift = daily("02:30");
    const first = shiftAt(ROTA, shift, "Europe/Berlin", at("2026-10-25T00:45:00Z"));
    expect(first.since).toEqual(at("2026-10-25T00:30:00Z")); // 02:30 CEST
    // The second 02:30 (CET) is inside the same shift.
    const second = shiftAt(ROTA, shift, "Europe/Berlin", at("2026-10-25T01:30:00Z"));
    expect(second).toEqual(first);
    expect(first.until).toEqual(at("2026-10-26T01:30:00Z")); // 02:30 CET
  });

  it("is exact across New York's changes in both directions", () => {
    const spring = shiftAt(ROTA, daily("02:15"), "America/New_York", at("2026-03-08T12:00:00Z"));
    expect(spring.since).toEqual(at("2026-03-08T07:00:00Z")); // 03:00 EDT
    const fall = shiftAt(ROTA, daily("01:30"), "America/New_York", at("2026-11-01T12:00:00Z"));
    expect(fall.since).toEqual(at("2026-11-01T05:30:00Z")); // the first 01:30, EDT
    expect(fall.until).toEqual(at("2026-11-02T06:30:00Z")); // 01:30 EST
    const weekly: ShiftSpec = { every: "weekly", day: "sun", hour: 9, minute: 0 };
    const week = shiftAt(ROTA, weekly, "America/New_York", at("2026-11-03T00:00:00Z"));
    expect(week.since).toEqual(at("2026-11-01T14:00:00Z")); // 09:00 EST
    expect(week.until.getTime() - week.since.getTime()).toBe(7 * 24 * 3_600_000);
  });

  it("refuses an empty rota", () => {
    expect(() => shiftAt([], daily("09:00"), "UTC", new Date())).toThrow(/empty/);
  });
});

describe("the on-call settings' text", () => {
  it("parses shifts, escalation steps and durations, and refuses anything else", () => {
    expect(parseShiftSpec("weekly fri 18:05")).toEqual({
      every: "weekly",
      day: "fri",
      hour: 18,
      minute: 5,
    });
    for (const bad of ["daily 24:00", "weekly xyz 10:00", "monthly 10:00", "daily 9"]) {
      expect(parseShiftSpec(bad)).toBeUndefined();
    }
    expect(parseEscalation("30s:oncall, 2h:next,1d:group")).toEqual([
      { delayMs: 30_000, target: "oncall" },
      { delayMs: 7_200_000, target: "next" },
      { delayMs: 86_400_000, target: "group" },
    ]);
    expect(parseEscalation("")).toEqual([]);
    for (const bad of ["5m", "5m:boss", "5x:oncall", "5m:oncall,", "5m:oncall:x"]) {
      expect(parseEscalation(bad)).toBeUndefined();
    }
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("1w")).toBeUndefined();
  });
});
