import { describe, expect, it } from "vitest";
import { formatUtc } from "../src/clock.js";

describe("formatUtc", () => {
  it("writes a time to the minute in UTC, whatever the seconds", () => {
    expect(formatUtc(new Date("2030-06-01T07:05:59.999Z"))).toBe("2030-06-01 07:05 UTC");
    expect(formatUtc(new Date("2030-06-01T23:30:00+02:00"))).toBe("2030-06-01 21:30 UTC");
  });
});
