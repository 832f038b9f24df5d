// The watcher end to end on both shapes of the LabPics tables: real PostgreSQL, real
// webhook, the fake Bot API. Per-project fingerprints, checks that go blind on their own,
// and a tick that survives what used to fail it.
import { afterEach, describe, expect, it } from "vitest";
import type { Shape } from "../../src/checks/schema-shape.js";
import type { TestApp } from "../kit/build-test-app.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import { createTestDatabase } from "../kit/postgres.js";
import { buildAlertApp, messagesTo, tick, ticks, useApiHealth } from "../kit/alerts.js";
import { labpicsRows, PROJECTS, type LabpicsRows } from "../kit/labpics-rows.js";
import { createUpdates, OPERATOR, privateChat } from "../kit/updates.js";

const api = useApiHealth();

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

async function build(shape: Shape): Promise<{ t: TestApp; rows: LabpicsRows }> {
  const t = await buildAlertApp(api.url, { shape });
  cleanup.push(() => t.close());
  const rows = labpicsRows(t.pool, shape);
  await rows.reset();
  return { t, rows };
}

async function say(t: TestApp, text: string): Promise<string> {
  const before = messagesTo(t.fake, privateChat(OPERATOR).id).length;
  const res = await t.post(createUpdates(5000 + before).message(text, { from: OPERATOR }));
  expect(res.status).toBe(200);
  const replies = messagesTo(t.fake, privateChat(OPERATOR).id);
  expect(replies).toHaveLength(before + 1);
  return replies.at(-1)!.text;
}

describe.each<Shape>(["labpics", "reference"])("watcher on the %s shape", (shape) => {
  it("pages a failed job and a stuck worker once, naming the project, and resolves them", async () => {
    const { t, rows } = await build(shape);
    await rows.job({
      jobType: "daily_digest",
      lastStatus: "failed",
      nextRunAt: minutesAgo(-5),
      lastError: "smtp 550",
    });
    const run = await rows.workerRun({
      jobType: "embeddings_run",
      status: "running",
      startedAt: minutesAgo(90),
    });
    await tick(t);
    await tick(t);
    const [firing, ...rest] = messagesTo(t.fake);
    expect(rest).toEqual([]);
    const key = (k: string) => (shape === "labpics" ? `${PROJECTS.acme.id}:${k}` : k);
    expect(firing!.text).toContain(`job_failed:${key("daily_digest")}`);
    expect(firing!.text).toContain(`stuck_worker:${key(String(run))}`);
    if (shape === "labpics") {
      expect(firing!.text).toContain("[Acme]");
      // LabPics's own cleanup of dead runs fails: the page says so and where the fix is.
      expect(firing!.text).toContain("LabPics's dead-job cleanup has not reaped it");
      expect(await say(t, "/stuck")).toContain(`AND id IN (${run});</code>`);
    }

    await t.pool.query("UPDATE scheduled_jobs SET last_status = 'ok'");
    await t.pool.query("UPDATE worker_runs SET status = 'ok'");
    await tick(t);
    expect(messagesTo(t.fake).at(-1)!.text).toContain("Resolved: 2 alerts");
  });

  it("keeps alerting on the rest when a table is missing, and pages the blind check", async () => {
    const { t, rows } = await build(shape);
    await rows.job({ jobType: "daily_digest", lastStatus: "failed", nextRunAt: minutesAgo(-5) });
    await t.pool.query("DROP TABLE connector_sync_state CASCADE");

    await ticks(t, 2);
    // The failed job pages at once; the blind check after DOWN_AFTER_CHECKS (2) ticks.
    const [failed, blind, ...rest] = messagesTo(t.fake);
    expect(rest).toEqual([]);
    expect(failed!.text).toContain("job_failed:");
    expect(blind!.text).toContain("watcher_degraded:sync");
    expect(blind!.text).toContain("schema mismatch: connector_sync_state");

    const health = await say(t, "/health");
    expect(health).toContain("schema mismatch: connector_sync_state");
    expect(health).toContain("blind: sync");
    expect(health).not.toContain("PostgreSQL unavailable");
    expect(await say(t, "/sync")).toContain("schema mismatch: connector_sync_state");

    // The table comes back (LabPics migrated): the check evaluates again and resolves.
    await rows.reset();
    await tick(t);
    expect(messagesTo(t.fake).at(-1)!.text).toContain("watcher_degraded:sync");
    expect(messagesTo(t.fake).at(-1)!.text).toContain("Resolved");
  });
});

describe("watcher on the labpics shape, two projects", () => {
  // Before fingerprints carried the project, this failed every tick with "ON CONFLICT DO
  // UPDATE command cannot affect row a second time", and /alerts said all was well.
  it("pages the same job failing in two projects as two alerts, and the tick stays ok", async () => {
    const { t, rows } = await build("labpics");
    for (const project of ["acme", "globex"] as const) {
      await rows.job({
        project,
        jobType: "embeddings_run",
        lastStatus: "failed",
        nextRunAt: minutesAgo(-5),
        lastError: "boom",
      });
    }
    await tick(t);
    await tick(t);
    const [firing, ...rest] = messagesTo(t.fake);
    expect(rest).toEqual([]);
    expect(firing!.text).toContain("2 alerts firing");
    expect(firing!.text).toContain(`job_failed:${PROJECTS.acme.id}:embeddings_run`);
    expect(firing!.text).toContain(`job_failed:${PROJECTS.globex.id}:embeddings_run`);
    expect(firing!.text).toContain("[Globex]");
    const alerts = await say(t, "/alerts");
    expect(alerts).toContain("2 firing");
  });

  it("announces a suspension after failures as an escalation, never job_failed resolved", async () => {
    const { t, rows } = await build("labpics");
    await rows.job({
      jobType: "signals_extraction",
      lastStatus: "failed",
      nextRunAt: minutesAgo(-5),
      lastError: "LLM 429",
    });
    await tick(t);
    expect(messagesTo(t.fake)[0]!.text).toContain("job_failed:");

    await t.pool.query("UPDATE scheduled_jobs SET status = 'suspended'");
    await tick(t);
    const [, escalated, ...rest] = messagesTo(t.fake);
    expect(rest).toEqual([]);
    expect(escalated!.text).not.toContain("Resolved");
    expect(escalated!.text).toContain(`job_suspended:${PROJECTS.acme.id}:signals_extraction`);
    expect(escalated!.text).toContain("after repeated failures: LLM 429");
    expect(await say(t, "/alerts")).not.toContain("job_failed");
  });

  it("pages a failing connector that never synced as failed only, not stale too", async () => {
    const { t, rows } = await build("labpics");
    await rows.connector({
      connector: "attio",
      status: "failed",
      syncedAt: null,
      lastError: "dns",
    });
    await tick(t);
    const [firing] = messagesTo(t.fake);
    expect(firing!.text).toContain("connector_failed:");
    expect(firing!.text).not.toContain("connector_stale");
  });

  it("shows connectors in mock mode as such in /sync and /health, never as a plain ok", async () => {
    const { t, rows } = await build("labpics");
    await rows.connector({ connector: "attio", status: "ok", syncedAt: minutesAgo(3), mock: true });
    await rows.connector({ connector: "chatwoot", status: "ok", syncedAt: minutesAgo(3) });
    const sync = await say(t, "/sync");
    expect(sync).toContain("1 mock, 2 total");
    expect(sync).toMatch(/🧪\s+Acme\s+attio\s+ok \(mock\)/);
    expect(sync).toMatch(/✅\s+Acme\s+chatwoot\s+ok\s/);
    expect(await say(t, "/health")).toContain(
      "⚠️ <b>Connectors</b> degraded · 1 in mock mode (sample data, not the service): attio [Acme]",
    );
  });

  it("pages scheduler_stalled when due jobs pile up and no worker run starts", async () => {
    const { t, rows } = await build("labpics");
    await rows.job({
      jobType: "connectors_sync_cycle",
      lastStatus: "ok",
      nextRunAt: minutesAgo(40),
    });
    await rows.workerRun({
      jobType: "connectors_sync_cycle",
      status: "ok",
      startedAt: minutesAgo(55),
    });
    await tick(t);
    const [firing] = messagesTo(t.fake);
    expect(firing!.text).toContain("scheduler_stalled");
    expect(firing!.text).toContain("1 active job(s) overdue");
    // Critical: it makes a sound.
    expect(t.fake.callsTo("sendMessage").at(-1)!.params.disable_notification).not.toBe(true);
  });
});

describe("watcher on the labpics shape, the projects watched", () => {
  it("resolves nothing when PROJECT_IDS narrows: the other project's alerts end quietly", async () => {
    const database = await createTestDatabase({ migrated: true });
    cleanup.push(() => database.drop());
    const first = await buildAlertApp(api.url, { shape: "labpics", database });
    const rows = labpicsRows(first.pool, "labpics");
    await rows.reset();
    for (const project of ["acme", "globex"] as const) {
      await rows.connector({ project, connector: "linear", status: "failed", syncedAt: null });
    }
    await tick(first);
    expect(messagesTo(first.fake)[0]!.text).toContain("2 alerts firing");
    await first.close();

    // Restarted with PROJECT_IDS naming Acme only; both connectors still fail.
    const t = await buildAlertApp(api.url, {
      shape: "labpics",
      database,
      env: { PROJECT_IDS: PROJECTS.acme.id },
    });
    cleanup.push(() => t.close());
    await ticks(t, 2);
    expect(messagesTo(t.fake)).toEqual([]);
    const alerts = await say(t, "/alerts");
    expect(alerts).toContain("1 firing");
    expect(alerts).toContain(`connector_failed:${PROJECTS.acme.id}:linear`);
  });

  it("leaves out LabPics's hidden __legacy_scope__ project unless PROJECT_IDS names it", async () => {
    const legacy = "00000000-0000-4000-8000-0000000000ee";
    const { t, rows } = await build("labpics");
    await t.pool.query(
      `INSERT INTO projects (id, name, account_scope_id)
       SELECT $1, '__legacy_scope__', account_scope_id FROM projects LIMIT 1`,
      [legacy],
    );
    await t.pool.query(
      `INSERT INTO scheduled_jobs (project_id, account_scope_id, job_type, status, last_status,
                                   next_run_at, last_error)
       SELECT $1, account_scope_id, 'daily_digest', 'active', 'failed', now(), 'x'
         FROM projects WHERE id = $1`,
      [legacy],
    );
    await rows.workerRun({ jobType: "daily_digest", status: "failed", startedAt: minutesAgo(5) });
    await t.pool.query("UPDATE worker_runs SET project_id = $1", [legacy]);
    await tick(t);
    expect(messagesTo(t.fake)).toEqual([]);
    expect(await say(t, "/jobs")).not.toContain("__legacy_scope__");
    expect(await say(t, "/runs")).toContain("No worker runs");

    const named = await buildAlertApp(api.url, {
      shape: "labpics",
      database: t.database,
      fake: t.fake,
      env: { PROJECT_IDS: legacy },
    });
    cleanup.push(() => named.close());
    await tick(named);
    expect(messagesTo(t.fake).at(-1)!.text).toContain(`job_failed:${legacy}:daily_digest`);
  });
});

describe("watcher on the labpics shape, the scheduler's own columns", () => {
  // Measured on the real LabPics: its scheduler sets scheduled_jobs.started_at, which its
  // migrations lack, so every worker tick failed while /health said "Schema ok".
  it("says why the scheduler stalled, and sees the column once added, without a restart", async () => {
    const { t, rows } = await build("labpics");
    await rows.job({ jobType: "embeddings_run", nextRunAt: minutesAgo(30) });
    await t.pool.query("ALTER TABLE scheduled_jobs DROP COLUMN started_at");
    await tick(t);
    const [stalled] = messagesTo(t.fake);
    expect(stalled!.text).toContain("scheduler_stalled");
    expect(stalled!.text).toContain("why: scheduled_jobs.started_at is missing");
    expect(await say(t, "/health")).toContain(
      "scheduled_jobs.started_at missing: LabPics's scheduler writes it, so every worker tick fails",
    );

    // An operator adds the column; the scheduler claims the job, which hangs for 1 h 31 m.
    await t.pool.query("ALTER TABLE scheduled_jobs ADD COLUMN started_at timestamptz");
    await t.pool.query(
      "UPDATE scheduled_jobs SET status = 'running', started_at = $1, next_run_at = $2",
      [minutesAgo(91), minutesAgo(-10)],
    );
    await tick(t);
    const texts = messagesTo(t.fake).map((m) => m.text);
    expect(texts.join("\n")).toContain(`stuck_worker:${PROJECTS.acme.id}:embeddings_run`);
    expect(await say(t, "/health")).not.toContain("started_at");
  });

  it("detects the shape again every few minutes, not only at start", async () => {
    const clock = createFakeClock(new Date());
    const t = await buildAlertApp(api.url, { shape: "labpics", clock });
    cleanup.push(() => t.close());
    await labpicsRows(t.pool, "labpics").reset();
    expect(await say(t, "/health")).not.toContain("started_at");
    // A change no query trips over: the column LabPics's scheduler writes goes away.
    await t.pool.query("ALTER TABLE scheduled_jobs DROP COLUMN started_at");
    clock.advance(5 * MINUTE);
    expect(await say(t, "/health")).toContain("scheduled_jobs.started_at missing");
  });
});
