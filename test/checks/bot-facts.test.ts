import { describe, expect, it } from "vitest";
import { readBotFacts } from "../../src/checks/bot-facts.js";

const self = { version: "1.2.3", startedAt: new Date("2026-03-02T10:00:00Z") };
const lastTick = new Date("2026-03-02T10:05:00Z");
const blind = [{ check: "jobs", reason: "relation does not exist" }];

describe("botFacts (what /health says of the bot)", () => {
  it("reads the last tick and the blind checks side by side, not one after the other", async () => {
    // With PostgreSQL behind a dead link each read waits out a connection timeout: here
    // each answers only once both were asked, which one after the other never are.
    let asked = 0;
    let bothAsked = () => {};
    const both = new Promise<void>((resolve) => (bothAsked = resolve));
    const read = async <T>(value: T) => {
      if (++asked === 2) bothAsked();
      await both;
      return value;
    };
    const facts = readBotFacts(
      self,
      { isRunning: () => true, lastTickAt: () => read(lastTick) },
      { blindChecks: () => read(blind) },
    );
    const stuck = new Promise((resolve) => setTimeout(() => resolve("one read at a time"), 1_000));

    expect(await Promise.race([facts, stuck])).toEqual({
      ...self,
      lastTickAt: lastTick,
      blindChecks: blind,
    });
  });

  it("has no last tick while the watcher is stopped, and no blind checks when they cannot be read", async () => {
    const facts = await readBotFacts(
      self,
      { isRunning: () => false, lastTickAt: () => Promise.resolve(lastTick) },
      { blindChecks: () => Promise.reject(new Error("connection timeout")) },
    );
    expect(facts).toEqual({ ...self, blindChecks: [] });
  });
});
