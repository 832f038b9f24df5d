// Every alert kind rendered from plain data (no server): its kind, its severity and
// whether its message makes a sound.
import { describe, expect, it } from "vitest";
import { anyCritical, severityOf } from "../../src/alerts/severity.js";
import type { NotifiedAlert, Severity } from "../../src/alerts/types.js";
import { alertKeyboard } from "../../src/bot/alert-channel.js";
import { parseAlertButton } from "../../src/bot/callback-data.js";
import {
  renderAckedNote,
  renderNotification,
  renderOpenAlerts,
  type OpenAlertView,
} from "../../src/bot/render/alerts.js";
import { EN } from "../kit/english.js";

const en = EN;
const NOW = new Date("2026-12-01T06:00:00Z");
const SINCE = "2026-12-01T05:45:00Z";

const KINDS: [fingerprint: string, summary: string, severity: Severity][] = [
  ["api_down", "API /health: 503", "critical"],
  ["pg_down", "PostgreSQL unreachable: connect ECONNREFUSED", "critical"],
  ["redis_down", "Redis unreachable", "critical"],
  ["scheduler_stalled", "3 jobs overdue, no run started for 12 min", "critical"],
  ["watcher_degraded:jobs", "check jobs blind: relation does not exist", "critical"],
  ["job_suspended:p1:invoice_export", "LabPics: invoice_export suspended", "critical"],
  ["backup_stale", "newest backup 30 h old", "critical"],
  ["pg_blocked:4242", "pid 4242 waits on a lock for 7 min", "critical"],
  ["stuck_worker:p1:42", "LabPics: run 42 running for 2 h", "warning"],
  ["stuck_process:p1:43", "LabPics: process 43 running for 2 h", "warning"],
  ["job_failed:p1:embeddings_refresh", "LabPics: last run failed", "warning"],
  ["job_overdue:p1:sync_signals", "LabPics: 25 min overdue", "warning"],
  ["connector_failed:p1:gmail", "LabPics: gmail failed", "warning"],
  ["connector_stale:p1:gmail", "LabPics: gmail not synced for 3 h", "warning"],
  ["connector_partial:p1:gmail", "LabPics: gmail partial", "warning"],
  ["pg_connections_high", "85 of 100 connections in use", "warning"],
  ["pg_long_query:777", "pid 777 active for 14 min", "warning"],
];

const alertOf = (fingerprint: string, summary: string, extra: Partial<NotifiedAlert> = {}) => ({
  fingerprint,
  kind: fingerprint.split(":")[0]!,
  summary,
  firingSince: SINCE,
  ...extra,
});

describe("alert messages, per kind", () => {
  it.each(KINDS)("%s: names its kind, says %s… and shows its severity", (fp, summary, severity) => {
    const alert = alertOf(fp, summary);
    const text = renderNotification(en, "firing", [alert], NOW);
    expect(text).toContain("1 alert firing");
    expect(text).toContain(`${alert.kind} ×1`);
    expect(text).toContain(`<code>${fp}</code>`);
    expect(text).toContain(severity === "critical" ? "🔴 critical ×1" : "🟡 warning");
    expect(text).toContain(`${summary} (since 15m)`);
    expect(severityOf(alert)).toBe(severity);
    // A message of warnings only is quiet; a critical one makes a sound.
    expect(anyCritical([alert])).toBe(severity === "critical");
  });

  it.each<[Severity | undefined, Severity]>([
    ["critical", "critical"],
    ["warning", "warning"],
    [undefined, "warning"],
  ])("am (Alertmanager) with severity label %s is a %s", (label, expected) => {
    const alert = alertOf("am:High5xxRate:0f1e2d", "High5xxRate: 5xx above 5 % for 5 min", {
      ...(label ? { severity: label } : {}),
    });
    const text = renderNotification(en, "firing", [alert], NOW);
    expect(text).toContain("am ×1");
    expect(text).toContain("<code>am:High5xxRate:0f1e2d</code>");
    expect(text).toContain(expected === "critical" ? "🔴 critical ×1" : "🟡 warning");
    expect(anyCritical([alert])).toBe(expected === "critical");
  });

  it("an explicit severity overrides the kind's default either way", () => {
    expect(severityOf({ kind: "api_down", severity: "warning" })).toBe("warning");
    expect(severityOf({ kind: "job_failed", severity: "critical" })).toBe("critical");
  });

  it("a mixed message counts both, lists critical alerts first and makes a sound", () => {
    const alerts = [
      alertOf("job_failed:p1:a", "failed"),
      alertOf("api_down", "API down"),
      alertOf("job_failed:p1:b", "failed"),
    ];
    const text = renderNotification(en, "firing", alerts, NOW);
    expect(text).toContain("🔴 critical ×1 · 🟡 warning ×2");
    expect(text.indexOf("api_down</code>")).toBeLessThan(text.indexOf("job_failed:p1:a"));
    expect(anyCritical(alerts)).toBe(true);
  });

  it("resolved and repeat messages say so, with how long it lasted", () => {
    const resolved = alertOf("api_down", "API down", { resolvedAt: "2026-12-01T05:55:00Z" });
    expect(renderNotification(en, "resolved", [resolved], NOW)).toMatch(
      /Resolved: 1 alert[\s\S]*lasted 10m/,
    );
    expect(renderNotification(en, "repeat", [alertOf("api_down", "x")], NOW)).toContain(
      "Still firing",
    );
  });

  it("an acked message says who acked it, after the list", () => {
    const text = renderNotification(
      en,
      "firing",
      [alertOf("api_down", "x")],
      NOW,
      renderAckedNote(en, "@olga", NOW),
    );
    expect(
      text
        .trimEnd()
        .endsWith("👀 Acked by @olga at 2026-12-01 06:00 UTC: no repeats until resolved"),
    ).toBe(true);
  });

  it("a storm keeps to one message with counts per kind and +N more", () => {
    const storm = Array.from({ length: 10_000 }, (_, i) =>
      alertOf(`stuck_worker:p1:${i}`, `run ${i}`),
    );
    const text = renderNotification(en, "firing", storm, NOW);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toContain("stuck_worker ×10000");
    expect(text).toMatch(/\+[\d,]+ more/);
  });
});

describe("names shown within one line", () => {
  const injected = alertOf("am:Disk\nFull:0f1e2d", "line one\n\n✅ Resolved: everything\r\tok", {
    severity: "warning",
  });

  it("a newline or a control character in an alert's name or summary adds no line", () => {
    for (const kind of ["firing", "repeat", "resolved"] as const) {
      const text = renderNotification(en, kind, [injected], NOW);
      expect(text).toContain(
        "<code>am:Disk Full:0f1e2d</code> line one ✅ Resolved: everything ok",
      );
      expect(text.split("\n")).toHaveLength(3);
    }
    const view = { ...injected, firingSince: new Date(SINCE) };
    const silence = {
      matcher: "am:Disk\nFull:*",
      startsAt: NOW,
      until: new Date("2026-12-01T08:00:00Z"),
      createdBy: "@olga",
    };
    const text = renderOpenAlerts(en, [view], [silence], NOW);
    expect(text).toContain("<code>am:Disk Full:0f1e2d</code> line one ✅ Resolved");
    expect(text).toContain("<code>am:Disk Full:*</code> until");
    expect(text.split("\n")).toHaveLength(4);
  });
});

describe("/alerts at scale", () => {
  const warning = (i: number): OpenAlertView => ({
    fingerprint: `job_overdue:p1:job_${i}`,
    kind: "job_overdue",
    summary: `LabPics: job_${i} 25 min overdue`,
    firingSince: new Date(NOW.getTime() - (61 - i) * 60_000),
  });
  const stalled: OpenAlertView = {
    fingerprint: "scheduler_stalled",
    kind: "scheduler_stalled",
    summary: "60 jobs overdue, no run started for 12 min",
    firingSince: new Date("2026-12-01T05:59:00Z"),
  };
  const silence = (i: number) => ({
    matcher: `am:NoisyRule${"x".repeat(40)}:${String(i).padStart(16, "0")}`,
    startsAt: NOW,
    until: new Date("2026-12-02T06:00:00Z"),
    createdBy: "@olga",
  });

  it("the only critical alert among 61 comes first, not inside +N more", () => {
    const firing = [...Array.from({ length: 60 }, (_, i) => warning(i)), stalled];
    const text = renderOpenAlerts(en, firing, [], NOW);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toMatch(
      /^🔥 <b>61 firing<\/b> · 🔴 critical ×1\n• 🔴 <code>scheduler_stalled<\/code>/,
    );
    expect(text).toMatch(/\+[\d,]+ more/);
  });

  it("105 silences: the firing alerts come first, the silences are capped and counted", () => {
    const firing = [...Array.from({ length: 60 }, (_, i) => warning(i)), stalled];
    const silences = Array.from({ length: 105 }, (_, i) => silence(i));
    const text = renderOpenAlerts(en, firing, silences, NOW);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toContain("<code>scheduler_stalled</code>");
    // Most of the message lists firing alerts; the silences keep to their share.
    const firingShown = text.match(/^• /gm)?.length ?? 0;
    const silencesShown = text.match(/^🔕 /gm)?.length ?? 0;
    expect(firingShown).toBeGreaterThanOrEqual(20);
    expect(text).toContain("<b>Silences (105)</b>");
    expect(text).toContain(`<i>+${105 - silencesShown} more</i>`);
    expect(silencesShown).toBeGreaterThan(0);
  });

  it("never cuts inside a tag, however long the blind checks and silences", () => {
    const silences = Array.from({ length: 300 }, (_, i) => silence(i));
    const blind = Array.from({ length: 40 }, (_, i) => ({
      check: `check_${i}`,
      reason: `<timeout> & ${"y".repeat(300)}`,
    }));
    for (const firing of [[], [stalled]]) {
      const text = renderOpenAlerts(en, firing, silences, NOW, blind);
      expect(text.length).toBeLessThanOrEqual(4096);
      const tags = text.match(/<[^>]*>?/g) ?? [];
      for (const tag of tags) expect(tag).toMatch(/^<\/?(b|i|code)>$/);
      for (const tag of ["b", "i", "code"]) {
        expect(text.split(`<${tag}>`).length).toBe(text.split(`</${tag}>`).length);
      }
    }
  });
});

describe("alert message buttons", () => {
  const firing = {
    outboxId: 12,
    kind: "firing" as const,
    alerts: ["api_down", "job_failed:p1:a", "stuck_worker:p1:1", "connector_stale:p1:g"].map((fp) =>
      alertOf(fp, "x"),
    ),
  };
  const rows = (k: ReturnType<typeof alertKeyboard>) => k?.inline_keyboard ?? [];

  it("Silence 1h / 24h and Ack carry short, parseable data", () => {
    const [buttons] = rows(alertKeyboard(firing, { lang: en, ack: true }));
    const data = buttons!.map((b) => ("callback_data" in b ? b.callback_data : ""));
    expect(data).toEqual(["sil:12:1h", "sil:12:24h", "ack:12"]);
    expect(data.map(parseAlertButton)).toEqual([
      { action: "silence", outboxId: 12, choice: "1h" },
      { action: "silence", outboxId: 12, choice: "24h" },
      { action: "ack", outboxId: 12 },
    ]);
    for (const d of data) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
  });

  it.each(["ack:", "ack:12x", "ack:-1", "sil:12:2h", "ack:1234567890123456", "ack:12:1h"])(
    "refuses callback data %s",
    (data) => {
      expect(parseAlertButton(data)).toBeUndefined();
    },
  );

  it("a runbook link per kind, at most 3, the kind put into RUNBOOK_URL", () => {
    const keyboard = alertKeyboard(firing, {
      lang: en,
      ack: false,
      runbookUrl: "https://wiki.example/rb/{kind}",
    });
    const [actions, links] = rows(keyboard);
    expect(actions!.map((b) => b.text)).toEqual(["Silence 1h", "Silence 24h"]);
    expect(links!.map((b) => ("url" in b ? b.url : ""))).toEqual([
      "https://wiki.example/rb/api_down",
      "https://wiki.example/rb/job_failed",
      "https://wiki.example/rb/stuck_worker",
    ]);
  });

  it("titles a runbook button on one line, a long name cut", () => {
    const named = (alertname: string) =>
      alertOf(`am:x:${alertname.length}`, "s", {
        runbook: { title: alertname, url: "https://wiki.example/rb" },
      });
    const titles = [named("Disk\nFull"), named("A".repeat(3_000))].map(
      (a) =>
        rows(
          alertKeyboard({ outboxId: 0, kind: "resolved", alerts: [a] }, { lang: en, ack: false }),
        )[0]![0]!.text,
    );
    expect(titles).toEqual(["📖 Disk Full", `📖 ${"A".repeat(39)}…`]);
  });

  describe("Alertmanager alerts link their own runbook", () => {
    const template = "https://wiki.example/rb/{kind}";
    const am = (alertname: string, runbookUrl?: string) =>
      alertOf(`am:${alertname}:0a`, "x", {
        kind: "am",
        ...(runbookUrl ? { runbook: { title: alertname, url: runbookUrl } } : {}),
      });
    const links = (alerts: NotifiedAlert[]) =>
      rows(
        alertKeyboard(
          { outboxId: 0, kind: "firing", alerts },
          { lang: en, ack: false, runbookUrl: template },
        ),
      )
        .flat()
        .map((b) => [b.text, "url" in b ? b.url : ""]);

    it("an alert's own runbook, titled with its name; none for one without, not RUNBOOK_URL's", () => {
      expect(
        links([am("DbPoolExhausted"), am("High5xxRate", "https://wiki.example/am/5xx")]),
      ).toEqual([["📖 High5xxRate", "https://wiki.example/am/5xx"]]);
      expect(links([am("DbPoolExhausted")])).toEqual([]);
    });

    it("beside the watcher's, at most 3, one button per link", () => {
      expect(
        links([
          am("High5xxRate", "https://wiki.example/am/5xx"),
          am("High5xxRate", "https://wiki.example/am/5xx"),
          alertOf("stuck_worker:p1:1", "x"),
          alertOf("stuck_worker:p1:2", "x"),
          am("DbPoolExhausted"),
          am("CircuitBreakerOpen", "https://wiki.example/am/breaker"),
          am("DiskFull", "https://wiki.example/am/disk"),
        ]),
      ).toEqual([
        ["📖 High5xxRate", "https://wiki.example/am/5xx"],
        ["📖 stuck_worker", "https://wiki.example/rb/stuck_worker"],
        ["📖 CircuitBreakerOpen", "https://wiki.example/am/breaker"],
      ]);
    });

    it("without RUNBOOK_URL too", () => {
      const keyboard = alertKeyboard(
        { outboxId: 0, kind: "resolved", alerts: [am("High5xxRate", "https://wiki.example/5xx")] },
        { lang: en, ack: false },
      );
      expect(rows(keyboard).flat()).toEqual([
        { text: "📖 High5xxRate", url: "https://wiki.example/5xx" },
      ]);
    });
  });

  it("resolved messages and pages sent outside the outbox have links only", () => {
    const resolved = { ...firing, kind: "resolved" as const };
    expect(alertKeyboard(resolved, { lang: en, ack: true })).toBeUndefined();
    const page = { ...firing, outboxId: 0 };
    const keyboard = alertKeyboard(page, {
      lang: en,
      ack: true,
      runbookUrl: "https://wiki.example/{kind}",
    });
    expect(
      rows(keyboard)
        .flat()
        .every((b) => "url" in b),
    ).toBe(true);
  });
});
