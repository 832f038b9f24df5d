// A real Alertmanager (Debian's prometheus-alertmanager) with opsbot as its webhook
// receiver: alerts posted to Alertmanager's API v2 arrive in the fake Bot API as firing
// and as resolved, once each; a 5xx from opsbot makes Alertmanager retry, delivering once.
// And the whole chain: a real Prometheus (Debian's prometheus) evaluating a rule of
// LabPics's kind against a stand-in /metrics, through Alertmanager, to the fake Bot API.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildAlertApp,
  eventually,
  linkButtons,
  messagesTo,
  useApiHealth,
  startStubServer,
} from "../kit/alerts.js";
import type { TestApp } from "../kit/build-test-app.js";
import {
  alertmanagerConfig,
  AMTOOL,
  hasAlertmanager,
  hasPrometheus,
  startAlertmanager,
  startPrometheus,
  type RunningAlertmanager,
} from "./alertmanager-process.js";

const TOKEN = "am-token_0123456789abcdef";
const EXAMPLE = fileURLToPath(
  new URL("../../examples/alertmanager/alertmanager.yml", import.meta.url),
);

// CI (and .ci/run) installs both; there a gap is a failure.
const missing = [
  ...(hasAlertmanager() ? [] : ["prometheus-alertmanager"]),
  ...(hasPrometheus() ? [] : ["prometheus"]),
];
if (missing.length > 0) {
  const notice = `real Alertmanager/Prometheus tests need: apt-get install ${missing.join(" ")}`;
  if (process.env.CI === "true") throw new Error(notice);
  console.warn(`[skipped] ${notice}`);
}

const api = useApiHealth();

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

// A test that calls this gets 60 s: an app on a fresh database and Alertmanager started,
// seconds on a busy machine, before the test's own waits.
async function opsbotBehindAlertmanager(): Promise<{ t: TestApp; am: RunningAlertmanager }> {
  const t = await buildAlertApp(api.url, { env: { ALERTMANAGER_TOKEN: TOKEN } });
  cleanup.push(() => t.close());
  const am = await startAlertmanager(alertmanagerConfig(`${t.baseUrl}/alertmanager`, TOKEN));
  cleanup.push(() => am.stop());
  return { t, am };
}

const texts = (t: TestApp) => messagesTo(t.fake).map((m) => m.text);
const waitForText = (t: TestApp, count: number, what: string) =>
  eventually(() => texts(t).length >= count, 15_000, what);

const errorsOf = async (t: TestApp, kind: string) =>
  (await t.app.metrics.errors.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;

describe.skipIf(!hasAlertmanager())("a real Alertmanager with opsbot as its receiver", () => {
  it("delivers a firing alert and its resolution, once each", async () => {
    const { t, am } = await opsbotBehindAlertmanager();
    const labels = { alertname: "DbPoolExhausted", severity: "critical", job: "labpics-api" };
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    await am.postAlerts([
      { labels, annotations: { summary: "DB pool exhausted: 20/20 in use" }, startsAt },
    ]);

    await waitForText(t, 1, "the firing message");
    expect(texts(t)[0]).toMatch(/am:DbPoolExhausted:[0-9a-f]{16}/);
    expect(texts(t)[0]).toContain("DB pool exhausted: 20/20 in use");
    const { rows } = await t.pool.query<{ severity: string; status: string }>(
      "SELECT severity, status FROM opsbot.am_alerts",
    );
    expect(rows).toEqual([{ severity: "critical", status: "firing" }]);

    // Prometheus keeps re-posting a firing alert; Alertmanager keeps its group as it is.
    await am.postAlerts([{ labels, startsAt }]);
    // Resolved: an end in the past.
    await am.postAlerts([{ labels, startsAt, endsAt: new Date().toISOString() }]);
    await waitForText(t, 2, "the resolved message");
    expect(texts(t)[1]).toContain("Resolved");
    expect(texts(t)[1]).toMatch(/am:DbPoolExhausted:[0-9a-f]{16}/);

    // A later alert of another group is the sync point: nothing else came before it.
    await am.postAlerts([
      { labels: { alertname: "High5xxRate" }, annotations: { summary: "5xx" } },
    ]);
    await waitForText(t, 3, "the next alert");
    expect(texts(t)).toHaveLength(3);
    expect(texts(t)[2]).toContain("am:High5xxRate:");
  }, 60_000);

  it("is retried by Alertmanager after a 5xx, and the alert is delivered once", async () => {
    const { t, am } = await opsbotBehindAlertmanager();
    // The database cannot store the alerts for a moment.
    await t.pool.query("ALTER TABLE opsbot.am_alerts RENAME TO am_alerts_away");
    try {
      await am.postAlerts([
        { labels: { alertname: "CircuitBreakerOpen" }, annotations: { summary: "breaker open" } },
      ]);
      await eventually(
        async () => (await errorsOf(t, "alertmanager_store")) > 0,
        15_000,
        "a 500 to Alertmanager",
      );
    } finally {
      await t.pool.query("ALTER TABLE opsbot.am_alerts_away RENAME TO am_alerts");
    }
    await waitForText(t, 1, "the retried alert");
    expect(texts(t)[0]).toContain("breaker open");

    // Another alert of the same group: Alertmanager re-sends the first beside it.
    await am.postAlerts([
      { labels: { alertname: "CircuitBreakerOpen", circuit: "b" }, annotations: { summary: "b" } },
    ]);
    await waitForText(t, 2, "the second alert");
    expect(texts(t)).toHaveLength(2);
    expect(texts(t)[1]).not.toContain("breaker open");
  }, 60_000);

  it("takes the shipped example config", () => {
    const checked = spawnSync(AMTOOL, ["check-config", EXAMPLE], { encoding: "utf8" });
    expect(checked.stdout + checked.stderr).toContain("SUCCESS");
    expect(checked.status).toBe(0);
  });
});

// A rule of the kind LabPics keeps in infra/alerts/rules.yml (written here, not copied).
const POOL_RULES = `groups:
  - name: labpics-dashboard
    rules:
      - alert: DbPoolExhausted
        expr: app_db_pool_waiting > 5
        labels:
          severity: critical
        annotations:
          summary: "DB connection pool has {{ $value }} waiting requests"
          runbook_url: "https://wiki.example/runbooks/DbPoolExhausted"
`;
const POOL_RUNBOOK = ["📖 DbPoolExhausted", "https://wiki.example/runbooks/DbPoolExhausted"];

describe.skipIf(!hasAlertmanager() || !hasPrometheus())(
  "Prometheus → Alertmanager → opsbot, end to end",
  () => {
    it("pages when the API's pool is exhausted and resolves when it recovers, once each", async () => {
      const pool = { waiting: 0 };
      const metrics = await startStubServer(() => ({
        status: 200,
        body: `# TYPE app_db_pool_waiting gauge\napp_db_pool_waiting ${pool.waiting}\n`,
      }));
      cleanup.push(() => metrics.close());
      const { t, am } = await opsbotBehindAlertmanager();
      const prometheus = await startPrometheus({
        scrapeUrl: `${metrics.url}/metrics`,
        alertmanagerUrl: am.url,
        rules: POOL_RULES,
      });
      cleanup.push(() => prometheus.stop());
      // Its first scrapes took 6 s on a loaded machine.
      await eventually(() => metrics.requests() >= 2, 30_000, "Prometheus scraping");

      pool.waiting = 7;
      await waitForText(t, 1, "the page");
      expect(texts(t)[0]).toMatch(/am:DbPoolExhausted:[0-9a-f]{16}/);
      expect(texts(t)[0]).toContain("DB connection pool has 7 waiting requests");
      expect(linkButtons(messagesTo(t.fake)[0]!)).toEqual([POOL_RUNBOOK]);

      pool.waiting = 0;
      await waitForText(t, 2, "the resolution");
      expect(texts(t)[1]).toContain("Resolved");
      expect(texts(t)[1]).toMatch(/am:DbPoolExhausted:[0-9a-f]{16}/);
      expect(linkButtons(messagesTo(t.fake)[1]!)).toEqual([POOL_RUNBOOK]);
      const { rows } = await t.pool.query<{ status: string; severity: string }>(
        "SELECT status, severity FROM opsbot.am_alerts",
      );
      expect(rows).toEqual([{ status: "resolved", severity: "critical" }]);
    }, 90_000);
  },
);
