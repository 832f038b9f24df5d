// renderDatabaseError and isDatabaseError on plain errors: the one line per kind of failure.
import { HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { EN } from "../../kit/english.js";
import { isDatabaseError, renderDatabaseError } from "../../../src/bot/render/unavailable.js";

const pgError = (message: string, code: string) =>
  Object.assign(new Error(message), { code, severity: "ERROR" });

describe("renderDatabaseError", () => {
  it.each([
    [pgError("canceling statement due to statement timeout", "57014"), "it did not answer in time"],
    [
      pgError('relation "scheduled_jobs" does not exist', "42P01"),
      'a table is missing (42P01: relation "scheduled_jobs" does not exist)',
    ],
    [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      "it is unreachable",
    ],
    [new Error("weird <thing> happened"), "weird &lt;thing&gt; happened"],
  ])("%s", (error, reason) => {
    expect(renderDatabaseError(error, EN)).toBe(
      `❌ PostgreSQL unavailable: ${reason}. Try /health.`,
    );
  });
});

describe("isDatabaseError", () => {
  it("is true for PostgreSQL's errors, socket errors and the pool's timeouts", () => {
    expect(isDatabaseError(pgError("deadlock detected", "40P01"))).toBe(true);
    expect(isDatabaseError(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe(true);
    expect(isDatabaseError(new Error("timeout exceeded when trying to connect"))).toBe(true);
  });

  it("is false for a bug, a code without severity, and Telegram's network errors", () => {
    expect(isDatabaseError(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseError(Object.assign(new Error("x"), { code: "ABCDE" }))).toBe(false);
    const wrapped = new HttpError("Network request failed", new Error("ECONNREFUSED"));
    expect(isDatabaseError(Object.assign(wrapped, { code: "ECONNREFUSED" }))).toBe(false);
    expect(isDatabaseError("a string")).toBe(false);
  });
});
