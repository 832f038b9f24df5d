import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/parse-config.js";

describe("ALERT_ROUTES", () => {
  it("is empty by default", () => {
    expect(parseConfig({}).ALERT_ROUTES).toEqual([]);
  });

  it("reads PATTERN=CHAT_ID[:THREAD_ID] pairs in order, kinds and prefixes", () => {
    const config = parseConfig({
      ALERT_ROUTES: " job_failed=-1001 ; stuck_worker:*=-1002:7;am:High5xx*=42;",
    });
    expect(config.ALERT_ROUTES).toEqual([
      { pattern: "job_failed", destination: { chatId: -1001 } },
      { pattern: "stuck_worker:*", destination: { chatId: -1002, threadId: 7 } },
      { pattern: "am:High5xx*", destination: { chatId: 42 } },
    ]);
  });

  it.each([
    ["no chat", "job_failed="],
    ["no pattern", "=-1001"],
    ["a chat that is not a number", "job_failed=ops"],
    ["a thread that is not a number", "job_failed=-1001:x"],
    ["a pattern with a star inside", "job_*failed=-1001"],
    ["two targets", "job_failed=-1001=-1002"],
    ["an upper-case kind", "JOB_FAILED=-1001"],
  ])("refuses %s with an error naming the variable, not the value", (_, value) => {
    let error: unknown;
    try {
      parseConfig({ ALERT_ROUTES: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/ALERT_ROUTES/);
    expect(String(error)).toMatch(/PATTERN=CHAT_ID/);
  });
});

describe("RUNBOOK_URL", () => {
  it("is optional and kept as a template", () => {
    expect(parseConfig({}).RUNBOOK_URL).toBeUndefined();
    expect(parseConfig({ RUNBOOK_URL: "https://wiki.example/rb/{kind}" }).RUNBOOK_URL).toBe(
      "https://wiki.example/rb/{kind}",
    );
  });

  it.each([
    ["no {kind}", "https://wiki.example/runbooks"],
    ["not http(s)", "ftp://wiki.example/{kind}"],
    ["not a URL", "runbooks/{kind}"],
  ])("refuses a template with %s, naming the variable", (_, value) => {
    expect(() => parseConfig({ RUNBOOK_URL: value })).toThrow(/RUNBOOK_URL.*\{kind\}/);
  });
});
