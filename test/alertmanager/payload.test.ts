// The webhook payload on plain data: what is taken, what is refused, and what is stored.
import { describe, expect, it } from "vitest";
import { parseWebhookPayload, runbookOf } from "../../src/alertmanager/payload.js";
import { webhookPayload } from "./payloads.js";

const parse = (body: unknown) => parseWebhookPayload(JSON.stringify(body));
const alertsOf = (body: unknown) => {
  const parsed = parse(body);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.alerts;
};

describe("parseWebhookPayload", () => {
  it("keys an alert am:<alertname>:<fingerprint> and keeps its labels, annotations and times", () => {
    const [alert] = alertsOf(
      webhookPayload([{ fingerprint: "a1b2c3d4e5f60718", summary: "5xx rate is 7%" }]),
    );
    expect(alert).toEqual({
      fingerprint: "am:High5xxRate:a1b2c3d4e5f60718",
      status: "firing",
      severity: "warning",
      summary: "5xx rate is 7%",
      labels: { alertname: "High5xxRate", job: "labpics-api" },
      annotations: { summary: "5xx rate is 7%" },
      startsAt: new Date("2026-12-01T04:00:00.123Z"),
      endsAt: null, // Go's zero time: no end
      generatorUrl: "http://prometheus:9090/graph?g0.expr=up",
    });
  });

  it("takes the summary from summary, else description, else the alert's name", () => {
    const [a, b, c] = alertsOf(
      webhookPayload([
        { fingerprint: "01", summary: "pool at 100%", description: "long text" },
        { fingerprint: "02", description: "the pool\n  is   exhausted" },
        { fingerprint: "03", alertname: "DbPoolExhausted", summary: "  " },
      ]),
    );
    expect([a!.summary, b!.summary, c!.summary]).toEqual([
      "pool at 100%",
      "the pool is exhausted",
      "DbPoolExhausted",
    ]);
  });

  it("cuts a long summary to 300 characters", () => {
    const [alert] = alertsOf(webhookPayload([{ fingerprint: "01", summary: "x".repeat(1000) }]));
    expect(alert!.summary).toHaveLength(300);
    expect(alert!.summary.endsWith("…")).toBe(true);
  });

  it("is critical only with the label severity=critical; anything else is a warning", () => {
    const severities = alertsOf(
      webhookPayload([
        { fingerprint: "01", severity: "critical" },
        { fingerprint: "02", severity: "warning" },
        { fingerprint: "03", severity: "page" },
        { fingerprint: "04" },
      ]),
    ).map((a) => a.severity);
    expect(severities).toEqual(["critical", "warning", "warning", "warning"]);
  });

  it("names an alert without alertname 'unnamed' and keeps a resolved alert's end", () => {
    const [alert] = alertsOf(
      webhookPayload([{ fingerprint: "ff", alertname: null, status: "resolved" }]),
    );
    expect(alert).toMatchObject({
      fingerprint: "am:unnamed:ff",
      status: "resolved",
      endsAt: new Date("2026-12-01T04:30:00Z"),
    });
  });

  it("takes an empty batch", () => {
    expect(alertsOf(webhookPayload([]))).toEqual([]);
  });

  it("refuses malformed JSON", () => {
    expect(parseWebhookPayload("{not json")).toEqual({ ok: false, error: "malformed JSON" });
  });

  it.each([
    ["another version", webhookPayload([{ fingerprint: "01" }], { version: "3" }), "version"],
    ["no alerts", { version: "4", status: "firing" }, "alerts"],
    ["a Telegram update", { update_id: 1, message: {} }, "version"],
    [
      "an alert without fingerprint",
      {
        ...webhookPayload([]),
        alerts: [{ status: "firing", labels: {}, startsAt: "2026-12-01T04:00:00Z" }],
      },
      "fingerprint",
    ],
    [
      "a fingerprint that is not hexadecimal",
      webhookPayload([{ fingerprint: "../../etc" }]),
      "hexadecimal",
    ],
    [
      "a bad status",
      webhookPayload([{ fingerprint: "01", status: "pending" as "firing" }]),
      "status",
    ],
    ["a bad time", webhookPayload([{ fingerprint: "01", startsAt: "yesterday" }]), "startsAt"],
    ["an array", [], "version"],
  ])("refuses %s, saying what is wrong", (_what, body, mentions) => {
    const parsed = parse(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(/^not an Alertmanager webhook payload \(version 4\): /);
    expect(parsed.error).toContain(mentions);
  });
});

describe("runbookOf", () => {
  it("links the runbook_url annotation by the alert's name ('unnamed' without one)", () => {
    expect(runbookOf("High5xxRate", " https://wiki.example/rb/High5xxRate ")).toEqual({
      title: "High5xxRate",
      url: "https://wiki.example/rb/High5xxRate",
    });
    expect(runbookOf(null, "http://wiki.internal/rb?id=5")).toEqual({
      title: "unnamed",
      url: "http://wiki.internal/rb?id=5",
    });
  });

  it.each([
    ["none", null],
    ["empty", ""],
    ["a relative path", "/runbooks/High5xxRate"],
    ["no scheme", "wiki.example/rb"],
    ["javascript:", "javascript:alert(1)"],
    ["another scheme", "ftp://files.example/rb.txt"],
    ["tg:", "tg://resolve?domain=opsbot"],
    ["a data: URL", "data:text/html,<b>rb</b>"],
  ])("takes no runbook from %s", (_what, url) => {
    expect(runbookOf("High5xxRate", url)).toBeUndefined();
  });
});
