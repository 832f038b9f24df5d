// ALERTMANAGER_TOKEN as configuration: unset or empty leaves the receiver off; a token that
// is guessable (short) or cannot travel in a header stops start-up with one clear line.
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/parse-config.js";

describe("ALERTMANAGER_TOKEN", () => {
  it("is optional; empty means unset", () => {
    expect(parseConfig({}).ALERTMANAGER_TOKEN).toBeUndefined();
    expect(parseConfig({ ALERTMANAGER_TOKEN: " " }).ALERTMANAGER_TOKEN).toBeUndefined();
    expect(parseConfig({ ALERTMANAGER_TOKEN: "x".repeat(16) }).ALERTMANAGER_TOKEN).toBe(
      "x".repeat(16),
    );
  });

  it.each([
    ["short", "short-token"],
    ["with a space", "a token with spaces in it"],
    ["too long", "x".repeat(257)],
  ])("refuses a token %s, naming the variable", (_what, token) => {
    expect(() => parseConfig({ ALERTMANAGER_TOKEN: token })).toThrow(ConfigError);
    expect(() => parseConfig({ ALERTMANAGER_TOKEN: token })).toThrow(/ALERTMANAGER_TOKEN/);
  });
});
