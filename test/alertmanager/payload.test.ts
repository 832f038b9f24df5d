// The webhook payload on plain data: what is taken, what is refused, and what is stored.
import { describe, expect, it } from "vitest";
import { parseWebhookPayload, runbookOf } from "../../src/alertmanager/payload.js";
import { fingerprintNo, STARTS_AT, webhookPayload } from "./payloads.js";

const NOW = new Date("2026-12-01T06:00:00Z");
const parse = (body: unknown, maxAlerts = 2000) =>
  parseWebhookPayload(body, { now: NOW, maxAlerts });
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

describe("alerts PostgreSQL could not store", () => {
  it("strips NUL and replaces a lone surrogate in labels and annotations", () => {
    const alert = webhookPayload([{ fingerprint: "01", summary: "disk\u0000 full \ud800!" }]);
    Object.assign(alert.alerts[0]!.labels, { instance: "host\u0000a\udc00" });
    const [stored] = alertsOf(alert);
    expect(stored!.summary).toBe("disk full \ufffd!");
    expect(stored!.labels.instance).toBe("hosta\ufffd");
    expect(JSON.stringify(stored)).not.toMatch(/\\u0000|\\ud[89a-f]/);
    // A well-formed pair is kept.
    const [emoji] = alertsOf(webhookPayload([{ fingerprint: "02", summary: "🔥 hot" }]));
    expect(emoji!.summary).toBe("🔥 hot");
  });

  it("keys a 3,000-character alertname by a cut and a hash: short, distinct, stable", () => {
    const long = (c: string) => `${"A".repeat(2_999)}${c}`;
    const [a] = alertsOf(webhookPayload([{ alertname: long("x"), fingerprint: "01" }]));
    const [b] = alertsOf(webhookPayload([{ alertname: long("y"), fingerprint: "01" }]));
    const [again] = alertsOf(webhookPayload([{ alertname: long("x"), fingerprint: "01" }]));
    expect(a!.fingerprint.length).toBeLessThanOrEqual(3 + 120 + 1 + 2);
    expect(a!.fingerprint).toMatch(/^am:A+…[0-9a-f]{12}:01$/);
    expect(a!.fingerprint).not.toBe(b!.fingerprint);
    expect(again!.fingerprint).toBe(a!.fingerprint);
    // The labels keep the whole name; a short name is its own key.
    expect(a!.labels.alertname).toBe(long("x"));
    expect(
      alertsOf(webhookPayload([{ alertname: "DiskFull", fingerprint: "01" }]))[0]!.fingerprint,
    ).toBe("am:DiskFull:01");
  });

  it("cuts a long summary without splitting a surrogate pair", () => {
    const [stored] = alertsOf(
      webhookPayload([{ fingerprint: "01", summary: `${"x".repeat(298)}🔥🔥` }]),
    );
    expect(stored!.summary).toBe(`${"x".repeat(298)}🔥…`);
  });
});

describe("absurd times", () => {
  it("refuses an alert starting more than an hour ahead and keeps the rest of the batch", () => {
    const parsed = parse(
      webhookPayload([
        { alertname: "Future", fingerprint: "01", startsAt: "2999-01-01T00:00:00Z" },
        { alertname: "Skewed", fingerprint: "02", startsAt: "2026-12-01T06:50:00Z" },
        { alertname: "Now", fingerprint: "03", startsAt: STARTS_AT },
      ]),
    );
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.alerts.map((a) => a.fingerprint)).toEqual(["am:Skewed:02", "am:Now:03"]);
    expect(parsed.refused).toEqual([
      {
        fingerprint: "am:Future:01",
        reason: "startsAt 2999-01-01T00:00:00.000Z is more than an hour ahead of opsbot's clock",
      },
    ]);
  });
});

describe("ALERTMANAGER_MAX_ALERTS", () => {
  it("keeps at most that many of a batch: resolutions, then critical alerts, then the rest", () => {
    const specs = [
      ...Array.from({ length: 5 }, (_, i) => ({
        fingerprint: fingerprintNo(i + 1),
        summary: `w${i}`,
      })),
      { fingerprint: "c1", severity: "critical", summary: "critical" },
      { fingerprint: "e1", status: "resolved" as const },
    ];
    const parsed = parse(webhookPayload(specs), 4);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.alerts.map((a) => a.summary)).toEqual(["High5xxRate", "critical", "w0", "w1"]);
    expect(parsed).toMatchObject({ received: 7, overBatch: 3, refused: [] });
  });

  it("checks only the alerts it keeps: a batch over the cap is never copied whole", () => {
    const body = webhookPayload([{ fingerprint: "01" }]);
    const parsed = parse(
      { ...body, alerts: [...body.alerts, ...Array.from({ length: 50_000 }, () => ({ bad: 1 }))] },
      1,
    );
    expect(parsed).toMatchObject({ ok: true, received: 50_001, overBatch: 50_000 });
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
