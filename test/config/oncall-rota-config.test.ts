import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse-config.js";

describe("on-call rota and escalation configuration", () => {
  it("defaults: no rota, weekly Monday 10:00 UTC, 5m oncall, 10m next, 15m group", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      ONCALL_ROTA: [],
      ONCALL_SHIFT: { every: "weekly", day: "mon", hour: 10, minute: 0 },
      ONCALL_TZ: "UTC",
      ESCALATION: [
        { delayMs: 300_000, target: "oncall" },
        { delayMs: 600_000, target: "next" },
        { delayMs: 900_000, target: "group" },
      ],
    });
    expect(parseConfig({ ESCALATION: "" }).ESCALATION).toEqual([]);
  });

  it("reads a Moscow team's rota of viewers and operators", () => {
    const config = parseConfig({
      OPERATOR_IDS: "1001",
      VIEWER_IDS: "2002",
      ONCALL_ROTA: "2002, 1001",
      ONCALL_SHIFT: "daily 09:30",
      ONCALL_TZ: "Europe/Moscow",
    });
    expect(config.ONCALL_ROTA).toEqual([2002, 1001]);
    expect(config.ONCALL_SHIFT).toEqual({ every: "daily", hour: 9, minute: 30 });
  });

  it("refuses bad values in one line naming the variable", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { OPERATOR_IDS: "1001", ONCALL_ROTA: "1001,3003" },
        /ONCALL_ROTA must name viewers or operators only \(3003/,
      ],
      [{ ONCALL_ROTA: "abc" }, /ONCALL_ROTA/],
      [{ ONCALL_SHIFT: "weekly someday 10:00" }, /ONCALL_SHIFT must be "daily HH:MM"/],
      [{ ONCALL_TZ: "Mars/Olympus" }, /ONCALL_TZ is not an IANA time zone/],
      [{ ESCALATION: "5m:boss" }, /ESCALATION must be DELAY:TARGET/],
    ];
    for (const [env, message] of cases) {
      expect(() => parseConfig(env)).toThrow(message);
      expect(() => parseConfig(env)).not.toThrow(/\n/);
    }
  });
});
