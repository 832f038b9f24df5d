// /incident's reply stays within Telegram's 4096 characters in every language, however long
// the timeline: the entries that do not fit are cut and counted in the reader's words.
import { describe, expect, it } from "vitest";
import { renderIncident } from "../../../src/bot/render/incident.js";
import { renderPostmortem } from "../../../src/bot/render/incident-postmortem.js";
import type { IncidentRecord } from "../../../src/incidents/types.js";
import { createTranslator } from "../../../src/i18n/catalogue.js";
import { LOCALES } from "../../../src/i18n/locales.js";

const OPENED = new Date("2030-06-01T07:00:00Z");

/** An incident of 40 flapping alerts: 1,200 timeline entries. */
function longIncident(): IncidentRecord {
  const alerts = Array.from({ length: 40 }, (_, i) => ({
    fingerprint: `connector_failed:project-${i}:<crm>`,
    kind: "connector_failed",
    severity: "critical" as const,
    summary: `Connector <crm> & friends failed (${i})`,
    firingSince: OPENED,
    pagedAt: OPENED,
    resolvedAt: null,
  }));
  const timeline = Array.from({ length: 1200 }, (_, i) => ({
    type: "alert" as const,
    at: new Date(OPENED.getTime() + i * 1000),
    event: "fired" as const,
    fingerprint: alerts[i % 40]!.fingerprint,
    kind: "connector_failed",
  }));
  return {
    incident: { number: 1234, openedAt: OPENED, closedAt: null, alerts },
    timeline,
    actions: [],
    impact: { openMs: 20 * 60_000, firstAckMs: null, resolveMs: null },
  };
}

describe("renderIncident", () => {
  it.each(LOCALES)("cuts a long timeline to 4096 characters with +N more (%s)", (locale) => {
    const t = createTranslator(locale);
    const text = renderIncident(longIncident(), t, "UTC");
    expect(text.length).toBeLessThanOrEqual(4096);
    // A number is an identifier: no thousands separator in any language.
    expect(text).toContain("#1234:");
    const shown = text.split("\n").filter((l) => /^\d\d:\d\d /.test(l)).length;
    const more = t.t("format-more", { n: 1200 - shown });
    expect(text.endsWith(`<i>${more}</i>`)).toBe(true);
    // Alerts past the first 10 are counted too; every value is escaped.
    expect(text).toContain(`<i>${t.t("format-more", { n: 30 })}</i>`);
    expect(text).not.toContain("<crm>");
    expect(text).toContain("&lt;crm&gt; &amp; friends");
  });
});

describe("a refused page in the timeline", () => {
  const refused = (): IncidentRecord => {
    const record = longIncident();
    record.timeline = [
      {
        type: "alert",
        at: OPENED,
        event: "page_refused",
        fingerprint: "api_down",
        kind: "api_down",
        actor: { id: 1002, name: "Ann <on call>" },
        detail: "403 Forbidden: bot was blocked by the user",
      },
    ];
    return record;
  };

  it("names whom the page could not reach and Telegram's reason, in both languages", () => {
    expect(renderIncident(refused(), createTranslator("en"), "UTC")).toContain(
      "07:00 <code>api_down</code>: could not page Ann &lt;on call&gt; privately (403 Forbidden: bot was blocked by the user)",
    );
    expect(renderIncident(refused(), createTranslator("ru"), "UTC")).toContain(
      "<code>api_down</code>: не удалось написать Ann &lt;on call&gt; в личку (403 Forbidden",
    );
    expect(renderPostmortem(refused(), createTranslator("en"), "UTC")).toContain(
      "`api_down`: could not page Ann \\<on call\\> privately (403 Forbidden",
    );
  });
});

describe("renderPostmortem", () => {
  it("escapes what Markdown would read as syntax in dynamic values", () => {
    const record = longIncident();
    record.incident.alerts[0]!.summary = "rate *high* | p99 [slow](x) <b>";
    const text = renderPostmortem(record, createTranslator("en"), "UTC");
    expect(text).toContain("rate \\*high\\* \\| p99 \\[slow\\](x) \\<b\\>");
    expect(text).toContain("- Still open");
    expect(text).toContain("Time to first ack (page → Ack): not acknowledged");
  });
});

describe("the incident catalogue", () => {
  it("counts alerts with Russian plural forms", () => {
    const ru = createTranslator("ru");
    expect([1, 2, 5, 21].map((count) => ru.t("incident-alerts", { count }))).toEqual([
      "1 алерт",
      "2 алерта",
      "5 алертов",
      "21 алерт",
    ]);
  });
});
