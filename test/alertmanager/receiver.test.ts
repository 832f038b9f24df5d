// POST /alertmanager through the real app: real PostgreSQL, the watcher delivering to the
// fake Bot API. A stored batch starts a tick by itself (no tick by hand), so the tests wait
// for ticks to finish instead of driving them.
import { afterEach, describe, expect, it } from "vitest";
import { loadFiringAlerts } from "../../src/alertmanager/am-store.js";
import {
  buildAlertApp,
  buttonData,
  eventually,
  insertStuckWorkers,
  linkButtons,
  messagesTo,
  okTicks,
  outbox,
  tick,
  useApiHealth,
} from "../kit/alerts.js";
import type { TestApp, TestAppOptions } from "../kit/build-test-app.js";
import { createUpdates, OPERATOR, TEAM_GROUP } from "../kit/updates.js";
import { webhookPayload, type AlertSpec } from "./payloads.js";

const updates = createUpdates(71_000);

const TOKEN = "am-token_0123456789abcdef";

const api = useApiHealth();

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function build(options: TestAppOptions = {}): Promise<TestApp> {
  const t = await buildAlertApp(api.url, {
    ...options,
    env: { ALERTMANAGER_TOKEN: TOKEN, ...options.env },
  });
  cleanup.push(() => t.close());
  return t;
}

const post = (
  t: TestApp,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
) =>
  fetch(`${t.baseUrl}/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** Posts a batch (expecting 200) and waits for the tick it starts to finish. */
async function deliver(t: TestApp, alerts: AlertSpec[]): Promise<void> {
  const before = await okTicks(t);
  const res = await post(t, webhookPayload(alerts));
  expect(res.status).toBe(200);
  await eventually(async () => (await okTicks(t)) > before, 5_000, "the tick after the batch");
}

const storedCount = async (t: TestApp) =>
  (await t.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM opsbot.am_alerts")).rows[0]!.n;

const texts = (t: TestApp) => messagesTo(t.fake).map((m) => m.text);

describe("POST /alertmanager: who may post, and what", () => {
  it("answers 401 without the bearer token or with another one, storing nothing", async () => {
    const t = await build();
    const body = webhookPayload([{ fingerprint: "01" }]);
    const refused: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token-0123456789" },
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
      { authorization: `Bearer ${TOKEN}x` },
    ];
    for (const headers of refused) {
      const res = await post(t, body, headers);
      expect(res.status).toBe(401);
    }
    expect(await storedCount(t)).toBe(0);
  });

  it("answers 400 with the reason to bad JSON or another shape, storing nothing", async () => {
    const t = await build();
    const bad = await post(t, "{not json");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe("malformed JSON");
    const v3 = await post(t, webhookPayload([{ fingerprint: "01" }], { version: "3" }));
    expect(v3.status).toBe(400);
    expect(await v3.text()).toContain("version");
    // One bad alert refuses the whole batch: nothing half-stored.
    const mixed = webhookPayload([{ fingerprint: "01" }, { fingerprint: "not-hex" }]);
    expect((await post(t, mixed)).status).toBe(400);
    expect(await storedCount(t)).toBe(0);
  });

  it("answers 413 to a body over 8 MiB without reading it", async () => {
    const t = await build();
    const res = await post(t, `{"version":"4","pad":"${"x".repeat(9 * 1024 * 1024)}"}`);
    expect(res.status).toBe(413);
    expect(await storedCount(t)).toBe(0);
  });

  it("does not exist without ALERTMANAGER_TOKEN", async () => {
    const t = await build({ env: { ALERTMANAGER_TOKEN: "" } });
    expect((await post(t, webhookPayload([{ fingerprint: "01" }]))).status).toBe(404);
  });

  it("is served in polling mode too, beside a separate metrics port", async () => {
    const t = await build({ env: { WEBHOOK_URL: "", METRICS_PORT: "0" } });
    expect(t.config.mode).toBe("polling");
    await deliver(t, [{ fingerprint: "0a", summary: "polled" }]);
    await eventually(() => texts(t).some((x) => x.includes("polled")), 5_000, "the alert");
  });
});

describe("POST /alertmanager: into the alert pipeline", () => {
  it("sends a firing alert once however often it is re-sent, and its resolution once", async () => {
    const t = await build();
    const alert = { alertname: "DbPoolExhausted", fingerprint: "00c0ffee00c0ffee" };
    await deliver(t, [{ ...alert, summary: "DB pool exhausted", severity: "critical" }]);
    await eventually(() => texts(t).length === 1, 5_000, "the firing message");
    expect(texts(t)[0]).toContain("am:DbPoolExhausted:00c0ffee00c0ffee");
    expect(texts(t)[0]).toContain("DB pool exhausted");
    expect(
      (messagesTo(t.fake)[0] as unknown as Record<string, unknown>).disable_notification,
    ).not.toBe(true);

    // Alertmanager's repeat_interval and retries re-send the same firing alert.
    await deliver(t, [{ ...alert, summary: "DB pool exhausted", severity: "critical" }]);
    await deliver(t, [{ ...alert, summary: "DB pool exhausted", severity: "critical" }]);
    expect(texts(t)).toHaveLength(1);

    await deliver(t, [{ ...alert, status: "resolved" }]);
    await eventually(() => texts(t).length === 2, 5_000, "the resolved message");
    expect(texts(t)[1]).toContain("Resolved");
    expect(texts(t)[1]).toContain("am:DbPoolExhausted:00c0ffee00c0ffee");

    // A re-sent resolution, and a late retry of the old firing notification: nothing.
    await deliver(t, [{ ...alert, status: "resolved" }]);
    await deliver(t, [{ ...alert, summary: "DB pool exhausted" }]);
    expect(texts(t)).toHaveLength(2);
    expect(await loadFiringAlerts(t.pool)).toEqual([]);

    // A new episode (a later startsAt) fires again.
    await deliver(t, [{ ...alert, summary: "again", startsAt: "2026-12-01T05:00:00Z" }]);
    await eventually(() => texts(t).length === 3, 5_000, "the new episode");
    expect(texts(t)[2]).toContain("again");
    // A late resolution of the earlier episode does not resolve this one.
    await deliver(t, [{ ...alert, status: "resolved" }]);
    expect(await loadFiringAlerts(t.pool)).toHaveLength(1);
    expect(texts(t)).toHaveLength(3);
    await deliver(t, [{ alertname: "Warn", fingerprint: "0d", severity: "warning", summary: "w" }]);
    await eventually(() => texts(t).length === 4, 5_000, "the warning");
    expect((messagesTo(t.fake)[3] as unknown as Record<string, unknown>).disable_notification).toBe(
      true,
    );
  });

  it("delivers at once without running the checks or the probes", async () => {
    const t = await build();
    api.state.healthy = false;
    cleanup.push(() => Promise.resolve((api.state.healthy = true)));
    // Only the probe loop decides api_down: a batch's tick reads no probe.
    await deliver(t, [{ alertname: "A", fingerprint: "a1", summary: "first" }]);
    await deliver(t, [{ alertname: "B", fingerprint: "b1", summary: "second" }]);
    await eventually(() => texts(t).length === 2, 5_000, "both alerts");
    expect(texts(t).join("\n")).not.toContain("api_down");
    expect(await t.app.watcher.lastTickAt()).toBeNull();
  });

  it("stores severity from the label and reads firing alerts as the alertmanager source", async () => {
    const t = await build();
    await deliver(t, [
      { alertname: "CircuitBreakerOpen", fingerprint: "01", severity: "critical", summary: "open" },
      { alertname: "High5xxRate", fingerprint: "02", severity: "warning", summary: "5xx" },
      { alertname: "Gone", fingerprint: "03", status: "resolved" },
    ]);
    expect(await loadFiringAlerts(t.pool)).toEqual([
      {
        fingerprint: "am:CircuitBreakerOpen:01",
        kind: "am",
        source: "alertmanager",
        summary: "open",
        severity: "critical",
      },
      {
        fingerprint: "am:High5xxRate:02",
        kind: "am",
        source: "alertmanager",
        summary: "5xx",
        severity: "warning",
      },
    ]);
    const { rows } = await t.pool.query(
      "SELECT fingerprint, status, labels FROM opsbot.am_alerts ORDER BY fingerprint",
    );
    expect(rows).toEqual([
      {
        fingerprint: "am:CircuitBreakerOpen:01",
        status: "firing",
        labels: { alertname: "CircuitBreakerOpen", job: "labpics-api", severity: "critical" },
      },
      {
        fingerprint: "am:Gone:03",
        status: "resolved",
        labels: { alertname: "Gone", job: "labpics-api" },
      },
      {
        fingerprint: "am:High5xxRate:02",
        status: "firing",
        labels: { alertname: "High5xxRate", job: "labpics-api", severity: "warning" },
      },
    ]);
    const received = (await t.app.metrics.alertmanagerAlerts.get()).values;
    expect(Object.fromEntries(received.map((v) => [v.labels.status, v.value]))).toEqual({
      firing: 2,
      resolved: 1,
    });
    // Both firing ones in one digest; the one resolved before it was ever sent: nothing.
    await eventually(() => texts(t).length === 1, 5_000, "the digest");
    expect(texts(t)[0]).toContain("2 alerts firing");
    expect(texts(t)[0]).not.toContain("am:Gone");
  });

  it("links an alert's own http(s) runbook_url by its name; RUNBOOK_URL stays the watcher's", async () => {
    const t = await build({ env: { RUNBOOK_URL: "https://wiki.example/rb/{kind}" } });
    const own = "https://wiki.example/am/High5xxRate";
    await deliver(t, [
      { alertname: "DbPoolExhausted", fingerprint: "01", summary: "no runbook" },
      { alertname: "High5xxRate", fingerprint: "02", summary: "own runbook", runbookUrl: own },
      { alertname: "DiskFull", fingerprint: "03", runbookUrl: "javascript:alert(1)" },
      { alertname: "CircuitBreakerOpen", fingerprint: "04", runbookUrl: "runbooks/breaker.md" },
    ]);
    await eventually(() => texts(t).length === 1, 5_000, "the digest");
    expect(texts(t)[0]).toContain("4 alerts firing");
    expect(linkButtons(messagesTo(t.fake)[0]!)).toEqual([["📖 High5xxRate", own]]);

    // The watcher's own alerts keep their kind's link.
    await insertStuckWorkers(t.pool, new Date());
    await tick(t);
    await eventually(() => texts(t).length === 2, 5_000, "the stuck worker");
    expect(linkButtons(messagesTo(t.fake)[1]!)).toEqual([
      ["📖 stuck_worker", "https://wiki.example/rb/stuck_worker"],
    ]);

    // The resolution links it too: the runbook stayed with the episode.
    await deliver(t, [{ alertname: "High5xxRate", fingerprint: "02", status: "resolved" }]);
    await eventually(() => texts(t).length === 3, 5_000, "the resolution");
    expect(linkButtons(messagesTo(t.fake)[2]!)).toEqual([["📖 High5xxRate", own]]);
  });

  it("acks a message whose runbook link Telegram refuses, editing it without the link", async () => {
    const t = await build();
    const intranet = "http://wiki/rb/High5xxRate";
    await deliver(t, [{ fingerprint: "03", summary: "5xx", runbookUrl: intranet }]);
    const [page] = messagesTo(t.fake);
    const [row] = await outbox(t.pool);
    const ack = buttonData(page!).find((d) => d?.startsWith("ack:"))!;
    t.fake.failNext("editMessageText", {
      kind: "400",
      description: `Bad Request: inline keyboard button URL '${intranet}' is invalid: Wrong HTTP URL`,
    });
    const press = updates.callback(ack, {
      from: OPERATOR,
      chat: TEAM_GROUP,
      messageId: row!.message_id!,
    });
    expect((await t.post(press)).status).toBe(200);
    const [refused, edited] = t.fake.callsTo("editMessageText").map((c) => c.params);
    expect(linkButtons(refused!)).toEqual([["📖 High5xxRate", intranet]]);
    expect(String(edited!.text)).toContain("👀 Acked by @olga_ops");
    expect(linkButtons(edited!)).toEqual([]);
  });

  it("sends the alert without runbook links at once when Telegram refuses one", async () => {
    const t = await build();
    const intranet = "http://wiki/rb/High5xxRate"; // no dot in the host: Telegram says no
    t.fake.failNext("sendMessage", {
      kind: "400",
      description: `Bad Request: inline keyboard button URL '${intranet}' is invalid: Wrong HTTP URL`,
    });
    await deliver(t, [{ fingerprint: "02", summary: "5xx", runbookUrl: intranet }]);
    await eventually(() => texts(t).length === 2, 5_000, "the message, again");
    const [refused, sent] = messagesTo(t.fake);
    expect(linkButtons(refused!)).toEqual([["📖 High5xxRate", intranet]]);
    expect(linkButtons(sent!)).toEqual([]);
    expect(buttonData(sent!)).toHaveLength(3); // Silence 1h, 24h, Ack
    expect(t.logs.entries().some((l) => String(l.msg).includes("refused a runbook link"))).toBe(
      true,
    );
    const { rows } = await t.pool.query<{ sent: boolean }>(
      "SELECT sent_at IS NOT NULL AS sent FROM opsbot.outbox",
    );
    expect(rows).toEqual([{ sent: true }]);
  });

  it("keeps an alert firing after its endsAt has passed, until Alertmanager resolves it", async () => {
    const t = await build();
    await deliver(t, [{ fingerprint: "0e", summary: "stale end", endsAt: "2026-01-01T00:00:00Z" }]);
    await deliver(t, []);
    await eventually(() => texts(t).length === 1, 5_000, "the firing message");
    expect(await loadFiringAlerts(t.pool)).toHaveLength(1);
    expect(texts(t).some((x) => x.includes("Resolved"))).toBe(false);
  });

  it("answers 500 while the alerts cannot be stored, so Alertmanager retries; the retry delivers once", async () => {
    const t = await build();
    const batch = webhookPayload([{ fingerprint: "0b", summary: "retried" }]);
    await t.pool.query("ALTER TABLE opsbot.am_alerts RENAME TO am_alerts_away");
    try {
      const failed = await post(t, batch);
      expect(failed.status).toBe(500);
      expect(await failed.text()).toContain("retry");
    } finally {
      await t.pool.query("ALTER TABLE opsbot.am_alerts_away RENAME TO am_alerts");
    }
    expect(await storedCount(t)).toBe(0);
    expect(t.logs.entries().some((l) => String(l.msg).includes("Alertmanager will retry"))).toBe(
      true,
    );

    await deliver(t, [{ fingerprint: "0b", summary: "retried" }]);
    await deliver(t, [{ fingerprint: "0b", summary: "retried" }]);
    await eventually(() => texts(t).length === 1, 5_000, "the alert");
    expect(texts(t)[0]).toContain("retried");
    expect(texts(t)).toHaveLength(1);
  });
});

describe("POST /alertmanager: bad alerts and storms", () => {
  const stored = async (t: TestApp) =>
    (
      await t.pool.query<{ fingerprint: string; status: string }>(
        "SELECT fingerprint, status FROM opsbot.am_alerts ORDER BY fingerprint",
      )
    ).rows;

  it("stores a batch holding a NUL, a lone surrogate and a 3,000-character alertname, and delivers it", async () => {
    const t = await build();
    const body = webhookPayload([
      { alertname: "Nul", fingerprint: "01", summary: "disk\u0000 full" },
      { alertname: "Surrogate", fingerprint: "02", summary: "half \ud800 pair" },
      { alertname: `Long${"x".repeat(3_000)}`, fingerprint: "03", summary: "long name" },
      { alertname: "Fine", fingerprint: "04", summary: "fine" },
    ]);
    Object.assign(body.alerts[0]!.labels, { instance: "a\u0000b" });
    const before = await okTicks(t);
    const res = await post(t, body);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
    await eventually(async () => (await okTicks(t)) > before, 5_000, "the tick");
    expect((await stored(t)).map((r) => r.fingerprint)).toHaveLength(4);
    await eventually(() => texts(t).length === 1, 5_000, "the firing message");
    expect(texts(t)[0]).toContain("4 alerts firing");
    expect(texts(t)[0]).toContain("disk full");
    expect(texts(t)[0]).toContain("half \ufffd pair");
  });

  it("fires again when Prometheus re-sends an alert Alertmanager resolved on its timeout (same startsAt)", async () => {
    const t = await build();
    const alert = { alertname: "QueueBacklog", fingerprint: "0a", summary: "backlog" };
    await deliver(t, [{ ...alert, endsAt: "2026-12-01T04:04:00Z" }]);
    await deliver(t, [{ ...alert, status: "resolved", endsAt: "2026-12-01T04:04:00Z" }]);
    await eventually(() => texts(t).length === 2, 5_000, "firing and resolved");
    // A retry of the firing notice sent before the resolution changes nothing…
    await deliver(t, [{ ...alert, endsAt: "2026-12-01T04:04:00Z" }]);
    expect(await loadFiringAlerts(t.pool)).toEqual([]);
    // …a firing that runs past the resolution is news: it fires again.
    await deliver(t, [{ ...alert, endsAt: "2026-12-01T05:10:00Z" }]);
    await eventually(() => texts(t).length === 3, 5_000, "the firing again");
    expect(texts(t)[2]).toContain("1 alert firing");
    expect(await loadFiringAlerts(t.pool)).toHaveLength(1);
  });

  it("refuses an alert starting in the far future, stores the rest, and leaves its fingerprint free", async () => {
    const t = await build();
    const future = { alertname: "Clock", fingerprint: "0c", summary: "from the future" };
    const res = await post(
      t,
      webhookPayload([
        { ...future, startsAt: "2999-01-01T00:00:00Z" },
        { alertname: "Fine", fingerprint: "0f", summary: "fine" },
      ]),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      "stored in part: 1 refused (am:Clock:0c: startsAt 2999-01-01T00:00:00.000Z is more than an hour ahead of opsbot's clock); not stored",
    );
    expect((await stored(t)).map((r) => r.fingerprint)).toEqual(["am:Fine:0f"]);
    expect(t.logs.text()).toContain("Alertmanager batch stored in part");
    // The same alert with a sane time fires, and resolves.
    await deliver(t, [future]);
    await deliver(t, [{ ...future, status: "resolved" }]);
    expect((await stored(t)).find((r) => r.fingerprint === "am:Clock:0c")?.status).toBe("resolved");
  });

  it("caps a batch at ALERTMANAGER_MAX_ALERTS, resolutions and critical alerts first, and says so", async () => {
    const t = await build({ env: { ALERTMANAGER_MAX_ALERTS: "3" } });
    await deliver(t, [{ alertname: "Old", fingerprint: "0e", summary: "old" }]);
    const res = await post(
      t,
      webhookPayload([
        ...Array.from({ length: 5 }, (_, i) => ({
          alertname: "Noise",
          fingerprint: `a${i}`,
          summary: `noise ${i}`,
        })),
        { alertname: "Page", fingerprint: "0b", severity: "critical", summary: "page" },
        { alertname: "Old", fingerprint: "0e", status: "resolved" },
      ]),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      "stored in part: 4 of 7 over ALERTMANAGER_MAX_ALERTS=3 a batch; not stored",
    );
    expect(await stored(t)).toEqual([
      { fingerprint: "am:Noise:a0", status: "firing" },
      { fingerprint: "am:Old:0e", status: "resolved" },
      { fingerprint: "am:Page:0b", status: "firing" },
    ]);
    const leftOut = (await t.app.metrics.alertmanagerAlerts.get()).values.find(
      (v) => v.labels.status === "left_out",
    );
    expect(leftOut?.value).toBe(4);
  });

  it("keeps at most ALERTMANAGER_MAX_FIRING firing, critical first, updating those already stored", async () => {
    const t = await build({ env: { ALERTMANAGER_MAX_FIRING: "3" } });
    const noise = (i: number) => ({ alertname: "Noise", fingerprint: `a${i}`, summary: `n${i}` });
    await deliver(t, [noise(0), noise(1)]);
    const res = await post(
      t,
      webhookPayload([
        { ...noise(0), summary: "n0 updated" },
        noise(2),
        noise(3),
        { alertname: "Page", fingerprint: "0b", severity: "critical", summary: "page" },
      ]),
    );
    expect(await res.text()).toBe(
      "stored in part: 2 new firing over ALERTMANAGER_MAX_FIRING=3; not stored",
    );
    expect((await loadFiringAlerts(t.pool)).map((a) => a.fingerprint).sort()).toEqual([
      "am:Noise:a0",
      "am:Noise:a1",
      "am:Page:0b",
    ]);
    expect(
      (await loadFiringAlerts(t.pool)).find((a) => a.fingerprint === "am:Noise:a0")?.summary,
    ).toBe("n0 updated");
    // A resolution frees room for the next batch.
    await deliver(t, [{ ...noise(1), status: "resolved" }]);
    const next = await post(t, webhookPayload([noise(3)]));
    expect(await next.text()).toBe("ok");
    expect(await loadFiringAlerts(t.pool)).toHaveLength(3);
  });
});
