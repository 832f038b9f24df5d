// The console demo's LabPics state in the labpics shape: several projects with LabPics's
// job types and cadences, relative to "now" so it is always current.
import { insertRows, type Queryable } from "./labpics-fixtures.js";

/** LabPics's default job types and their cadences in seconds. */
export const LABPICS_JOB_CADENCES: Readonly<Record<string, number>> = {
  connectors_sync_cycle: 900,
  connectors_reconciliation_daily: 86_400,
  connector_errors_retry: 300,
  embeddings_run: 1_200,
  signals_extraction: 900,
  health_scoring: 1_800,
  upsell_radar: 1_800,
  analytics_aggregates: 1_800,
  daily_digest: 86_400,
  weekly_digest: 604_800,
  campaign_scheduler: 300,
  loops_contacts_sync: 3_600,
  outbound_retention_cleanup: 86_400,
  analytics_retention_cleanup: 43_200,
  report_generation: 3_600,
};

export const DEMO_PROJECTS = [
  { id: "0b6c3c1e-6a53-4a8e-9d1f-3f1f5a000001", name: "Acme Studio" },
  { id: "0b6c3c1e-6a53-4a8e-9d1f-3f1f5a000002", name: "Northwind Clinic" },
  { id: "0b6c3c1e-6a53-4a8e-9d1f-3f1f5a000003", name: "Globex Retail" },
] as const;
const [ACME, NORTHWIND, GLOBEX] = DEMO_PROJECTS;
const SCOPE_ID = "0b6c3c1e-6a53-4a8e-9d1f-3f1f5a0000ff";

const TABLES = "connector_events, connector_sync_state, worker_runs, scheduled_jobs, projects";

/**
 * LabPics's scheduler writes job statuses `running` and `suspended` and a `started_at`
 * column that its migrations lack; an installation where it works has both.
 */
export async function allowSchedulerStatuses(db: Queryable): Promise<void> {
  await db.query(`ALTER TABLE scheduled_jobs DROP CONSTRAINT IF EXISTS scheduled_jobs_status_check;
                  ALTER TABLE scheduled_jobs ADD COLUMN IF NOT EXISTS started_at timestamptz`);
}

/**
 * Replaces the labpics-shape tables' contents: a stuck worker run (Acme embeddings_run),
 * an overdue job (Acme analytics_aggregates), a suspended job (Northwind
 * signals_extraction), a failed job (Globex loops_contacts_sync), a stuck process and a
 * failed one, a failed connector (Acme linear), an idle one (Globex attio) and one in
 * mock mode (Northwind attio).
 */
export async function loadLabpicsDemoData(db: Queryable, now: Date): Promise<void> {
  const ago = (minutes: number | null) =>
    minutes === null ? null : new Date(now.getTime() - minutes * 60_000);
  await allowSchedulerStatuses(db);
  await db.query(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`);
  await db.query(
    `INSERT INTO account_scopes (id, scope_key, name) VALUES ($1, 'default', 'Default account scope')
     ON CONFLICT (scope_key) DO NOTHING`,
    [SCOPE_ID],
  );
  const scope = (await db.query("SELECT id FROM account_scopes WHERE scope_key = 'default'")) as {
    rows: { id: string }[];
  };
  const scopeId = scope.rows[0]!.id;
  await insertRows(
    db,
    "projects",
    { id: "uuid", name: "text", account_scope_id: "uuid" },
    DEMO_PROJECTS.map((p) => [p.id, p.name, scopeId]),
  );

  const jobs: unknown[][] = [];
  const runs: unknown[][] = [];
  DEMO_PROJECTS.forEach((project, p) => {
    Object.entries(LABPICS_JOB_CADENCES).forEach(([jobType, cadence], j) => {
      const every = cadence / 60;
      // Spread the last runs so the projects do not look machine-made.
      const last = Math.min(every, 60) * (((p * 7 + j * 3) % 10) / 10) + 1;
      let status = "active";
      let lastStatus = "ok";
      let lastError: string | null = null;
      let next = last - every;
      if (project === ACME && jobType === "analytics_aggregates") next = 25;
      if (project === NORTHWIND && jobType === "signals_extraction") {
        status = "suspended";
        lastStatus = "failed";
        lastError = "LLM provider: 429 Too Many Requests (10 consecutive failures)";
      }
      if (project === GLOBEX && jobType === "loops_contacts_sync") {
        lastStatus = "failed";
        lastError = "loops: 401 Unauthorized (API key revoked)";
      }
      jobs.push([
        project.id,
        scopeId,
        jobType,
        status,
        cadence,
        ago(next),
        ago(last),
        lastStatus,
        lastError,
      ]);
      // The last day's runs for the frequent jobs, the last run for the others.
      for (let k = 0; k === 0 || (every <= 60 && last + k * every < 1_440); k++) {
        const started = last + k * every;
        const failed = k === 0 && lastStatus === "failed";
        runs.push([
          project.id,
          scopeId,
          jobType,
          failed ? "failed" : "ok",
          ago(started),
          ago(started - runMinutes(p, j, k)),
          failed ? lastError : null,
        ]);
      }
    });
  });
  await insertRows(
    db,
    "scheduled_jobs",
    {
      project_id: "uuid",
      account_scope_id: "uuid",
      job_type: "text",
      status: "text",
      cadence_seconds: "int",
      next_run_at: "timestamptz",
      last_run_at: "timestamptz",
      last_status: "text",
      last_error: "text",
    },
    jobs,
  );
  // Stuck: started 47 minutes ago and still running.
  runs.push([ACME.id, scopeId, "embeddings_run", "running", ago(47), null, null]);
  runs.sort((a, b) => (a[4] as Date).getTime() - (b[4] as Date).getTime());
  await insertRows(
    db,
    "worker_runs",
    {
      project_id: "uuid",
      account_scope_id: "uuid",
      job_type: "text",
      status: "text",
      started_at: "timestamptz",
      finished_at: "timestamptz",
      error: "text",
    },
    runs,
  );
  await loadDemoConnectors(db, scopeId, ago);
  await loadDemoProcessEvents(db, scopeId, ago);
}

/** 10 s to about a minute, varying by run, so /runs has a shape to chart. */
function runMinutes(project: number, job: number, run: number): number {
  return (10 + ((run * 37 + job * 11 + project * 5) % 17) * 3) / 60;
}

async function loadDemoConnectors(
  db: Queryable,
  scopeId: string,
  ago: (m: number | null) => Date | null,
): Promise<void> {
  const rows: unknown[][] = [];
  for (const project of DEMO_PROJECTS) {
    for (const connector of ["chatwoot", "linear", "attio"]) {
      let status = "ok";
      let success: number | null = 8;
      let error: string | null = null;
      // LabPics runs Attio on sample data until it is configured: mock mode.
      const meta = project === NORTHWIND && connector === "attio" ? { mode: "mock" } : {};
      if (project === ACME && connector === "linear") {
        status = "failed";
        success = 190;
        error = "linear: 401 Unauthorized (token expired)";
      }
      if (project === GLOBEX && connector === "attio") {
        status = "idle";
        success = null;
      }
      rows.push([
        project.id,
        scopeId,
        connector,
        status,
        ago(success),
        ago(success === null ? null : 3),
        error,
        JSON.stringify(meta),
      ]);
    }
  }
  await insertRows(
    db,
    "connector_sync_state",
    {
      project_id: "uuid",
      account_scope_id: "uuid",
      connector: "text",
      status: "text",
      last_success_at: "timestamptz",
      last_attempt_at: "timestamptz",
      last_error: "text",
      meta: "jsonb",
    },
    rows,
  );
}

async function loadDemoProcessEvents(
  db: Queryable,
  scopeId: string,
  ago: (m: number | null) => Date | null,
): Promise<void> {
  const events: unknown[][] = [];
  let n = 0;
  const event = (
    projectId: string,
    type: string,
    process: string,
    runId: string,
    minutes: number,
    extra = {},
  ) =>
    events.push([
      projectId,
      scopeId,
      type,
      ago(minutes),
      `process:${process}:${runId}`,
      JSON.stringify({ process, run_id: runId, ...extra }),
      `demo-${++n}`,
    ]);
  const finished = (
    projectId: string,
    process: string,
    runId: string,
    at: number,
    minutes: number,
  ) => {
    event(projectId, "process_started", process, runId, at);
    event(projectId, "process_finished", process, runId, at - minutes, {
      duration_ms: minutes * 60_000,
    });
  };
  finished(ACME.id, "kag_recompute", "r-101", 300, 12);
  finished(NORTHWIND.id, "snapshot_build", "r-201", 240, 4);
  // Failed, with the error LabPics records.
  event(GLOBEX.id, "process_started", "report_render", "r-301", 180);
  event(GLOBEX.id, "process_failed", "report_render", "r-301", 179, {
    duration_ms: 60_000,
    error_message: "chromium exited with code 1 (out of memory)",
  });
  // Stuck: started two hours ago, never finished.
  event(ACME.id, "process_started", "kag_recompute", "r-102", 120);
  await insertRows(
    db,
    "connector_events",
    {
      project_id: "uuid",
      account_scope_id: "uuid",
      event_type: "text",
      occurred_at: "timestamptz",
      source: "text",
      source_ref: "text",
      payload_json: "jsonb",
      dedupe_key: "text",
    },
    events.map((e) => [...e.slice(0, 4), "system", ...e.slice(4)]),
  );
}
