import { describe, expect, it } from "vitest";
import { lateBound } from "../src/late-bound.js";

describe("lateBound", () => {
  it("gives the value once bound", () => {
    const api = lateBound<{ name: string }>("the api");
    const reader = api.get;
    api.bind({ name: "bound" });
    expect(reader().name).toBe("bound");
  });

  it("refuses a read before the value is wired, naming it", () => {
    expect(() => lateBound<number>("the watcher").get()).toThrow(
      "the watcher is used before it is wired",
    );
  });

  it("refuses a second binding", () => {
    const value = lateBound<number>("the bot");
    value.bind(1);
    expect(() => value.bind(2)).toThrow("the bot is wired twice");
    expect(value.get()).toBe(1);
  });
});
