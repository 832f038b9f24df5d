import type { Queryable } from "../src/console/demo/labpics-fixtures.js";
import { LABPICS_JOB_CADENCES } from "../src/console/demo/labpics-shape-demo.js";

/**
 * LabPics at scale, in the labpics shape (sql/shapes/labpics.sql), generated inside
 * PostgreSQL: `projects` projects, each with LabPics's 15 job types at their real cadences,
 * about `workerRuns` worker runs (to a scheduler slot) going back as far as those cadences need (about 48 days at
 * 200 projects and 10 M runs), `connectorEvents` connector events of which 10% are process
 * runs (a started and a finished or failed event each), plus what the checks look for.
 */
export interface LabpicsScale {
  projects: number;
  workerRuns: number;
  connectorEvents: number;
}

/** What the data set holds for the checks to find, whatever its size. */
export const SCALE_FACTS = {
  stuckWorkers: 20,
  /** Running, started within the stuck threshold. */
  freshWorkers: 20,
  stuckProcesses: 10,
  /** One in this many process runs failed. */
  processFailedEvery: 100,
  /** One in this many worker runs failed. */
  runFailedEvery: 50,
} as const;

const SCOPE = "00000000-0000-4000-8000-0000000000bb";
// One scheduler slot: every LabPics cadence is a multiple of it.
const SLOT_SECONDS = 300;
const PROCESSES = "ARRAY['kag_recompute', 'signals_extraction', 'snapshot_build', 'report_render']";
const CONNECTOR_EVENT_TYPES = `ARRAY['message_sent', 'client_silent_started', 'approval_requested',
  'approval_approved', 'stage_started', 'stage_completed', 'issue_created', 'issue_blocked',
  'issue_unblocked', 'scope_change_detected', 'deal_stage_changed', 'invoice_sent',
  'invoice_paid', 'contact_updated', 'note_logged', 'activity_logged']`;
const SOURCES = "ARRAY['chatwoot', 'linear', 'attio']";

/** Project n's id: stable, so runs and events name their project without a join. */
const projectId = (n: string) => `md5('opsbot-bench-project-' || (${n}))::uuid`;

/** Worker runs per scheduler slot over every project and job type. */
export function runsPerSlot(projects: number): number {
  const perProject = Object.values(LABPICS_JOB_CADENCES).reduce(
    (sum, cadence) => sum + SLOT_SECONDS / cadence,
    0,
  );
  return projects * perProject;
}

function checkScale({ projects, workerRuns, connectorEvents }: LabpicsScale): void {
  const whole = [projects, workerRuns, connectorEvents].every(
    (n) => Number.isSafeInteger(n) && n > 0,
  );
  if (!whole || workerRuns < 100 || connectorEvents < 100) {
    throw new RangeError(
      `fillLabpicsScale needs whole numbers, at least 100 runs and events, got ${JSON.stringify({ projects, workerRuns, connectorEvents })}`,
    );
  }
}

interface ConstraintRow {
  tbl: string;
  name: string;
  def: string;
}

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/**
 * Runs `load` with the tables' foreign keys, unique constraints and secondary indexes
 * dropped, then puts them back: one validating scan per foreign key and one sort per index,
 * instead of a trigger and a B-tree insertion per row.
 */
async function withoutConstraints(
  db: Queryable,
  tables: readonly string[],
  load: () => Promise<void>,
): Promise<void> {
  const constraints = rowsOf<ConstraintRow>(
    await db.query(
      `SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def
         FROM pg_constraint WHERE conrelid = ANY ($1::regclass[]) AND contype IN ('f', 'u')
        ORDER BY contype DESC`,
      [tables],
    ),
  );
  const indexes = rowsOf<ConstraintRow>(
    await db.query(
      `SELECT i.indrelid::regclass::text AS tbl, i.indexrelid::regclass::text AS name,
              pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i
        WHERE i.indrelid = ANY ($1::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
      [tables],
    ),
  );
  for (const c of constraints) await db.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.name}`);
  for (const i of indexes) await db.query(`DROP INDEX ${i.name}`);
  await load();
  // Unique constraints first (contype 'u' sorts after 'f', hence the reverse).
  for (const c of [...constraints].reverse()) {
    await db.query(
      `SET maintenance_work_mem = '256MB'; ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.name} ${c.def}`,
    );
  }
  for (const i of indexes) await db.query(`SET maintenance_work_mem = '256MB'; ${i.def}`);
}

async function fillProjects(db: Queryable, now: Date, projects: number): Promise<void> {
  await db.query(`INSERT INTO account_scopes (id, scope_key, name) VALUES ($1, 'bench', 'Bench')`, [
    SCOPE,
  ]);
  await db.query(
    `INSERT INTO projects (id, name, account_scope_id)
     SELECT ${projectId("p")}, format('Project %s', lpad(p::text, 3, '0')), $1
       FROM generate_series(0, $2::int - 1) AS p`,
    [SCOPE, projects],
  );
  const cadences = Object.entries(LABPICS_JOB_CADENCES);
  // A job in 50 has failed last time, one in 100 is paused, one in 40 overdue.
  await db.query(
    `INSERT INTO scheduled_jobs (project_id, account_scope_id, job_type, status, cadence_seconds,
                                 next_run_at, last_run_at, last_status, last_error)
     SELECT ${projectId("p")}, $1, t.job_type,
            CASE WHEN (p * 15 + t.n) % 100 = 7 THEN 'paused' ELSE 'active' END, t.cadence,
            CASE WHEN (p * 15 + t.n) % 40 = 3 THEN $2::timestamptz - interval '25 minutes'
                 ELSE $2::timestamptz + make_interval(secs => t.cadence / 2) END,
            $2::timestamptz - make_interval(secs => t.cadence / 2),
            CASE WHEN (p * 15 + t.n) % 50 = 11 THEN 'failed' ELSE 'ok' END,
            CASE WHEN (p * 15 + t.n) % 50 = 11 THEN 'upstream timeout after 30 s' END
       FROM generate_series(0, $3::int - 1) AS p,
            unnest($4::text[], $5::int[]) WITH ORDINALITY AS t(job_type, cadence, n)`,
    [SCOPE, now, projects, cadences.map(([j]) => j), cadences.map(([, c]) => c)],
  );
  await db.query(
    `INSERT INTO connector_sync_state (project_id, account_scope_id, connector, status,
                                       last_success_at, last_attempt_at, last_error)
     SELECT ${projectId("p")}, $1, c.connector, s.status,
            CASE WHEN s.status <> 'idle' THEN $2::timestamptz - make_interval(mins => 5 + p % 30) END,
            $2::timestamptz - make_interval(mins => 5 + p % 30),
            CASE WHEN s.status = 'failed' THEN 'HTTP 502 from upstream' END
       FROM generate_series(0, $3::int - 1) AS p,
            unnest(${SOURCES}) WITH ORDINALITY AS c(connector, n),
            LATERAL (SELECT CASE (p * 3 + c.n) % 37 WHEN 1 THEN 'failed' WHEN 2 THEN 'partial'
                                 WHEN 3 THEN 'idle' ELSE 'ok' END) AS s(status)`,
    [SCOPE, now, projects],
  );
}

/**
 * Worker runs in the order LabPics writes them (ids grow with started_at): slot by slot
 * back from `now`, every job whose cadence falls on the slot, in every project.
 */
async function fillWorkerRuns(db: Queryable, now: Date, scale: LabpicsScale): Promise<void> {
  const finished = scale.workerRuns - SCALE_FACTS.stuckWorkers - SCALE_FACTS.freshWorkers;
  // About `finished` rows: each slot holds runsPerSlot on average.
  const slots = Math.max(1, Math.round(finished / runsPerSlot(scale.projects)));
  await db.query(
    `INSERT INTO worker_runs (scheduled_job_id, project_id, account_scope_id, job_type, status,
                              started_at, finished_at, error)
     SELECT j.id, j.project_id, j.account_scope_id, j.job_type,
            CASE WHEN r.failed THEN 'failed' ELSE 'ok' END, r.started_at,
            r.started_at + make_interval(secs => 2 + (h.seed % 40) * (1 + (j.cadence_seconds / 1800))),
            CASE WHEN r.failed THEN 'upstream timeout after 30 s' END
       FROM generate_series($2::int, 1, -1) AS s
       JOIN (SELECT DISTINCT job_type, cadence_seconds FROM scheduled_jobs) t
         ON (s + length(t.job_type)) % (t.cadence_seconds / ${SLOT_SECONDS}) = 0
       JOIN scheduled_jobs j ON j.job_type = t.job_type,
            LATERAL (SELECT abs(hashtext(j.id::text)::bigint + s * 7919) AS seed) h,
            LATERAL (SELECT $1::timestamptz - make_interval(secs => s * ${SLOT_SECONDS} - h.seed % 240) AS started_at,
                            h.seed % ${SCALE_FACTS.runFailedEvery} = 0 AS failed) r`,
    [now, slots],
  );
  // Stuck (started 1-10 h ago) and fresh running runs, spread over the projects.
  await db.query(
    `INSERT INTO worker_runs (scheduled_job_id, project_id, account_scope_id, job_type, status, started_at)
     SELECT j.id, j.project_id, j.account_scope_id, j.job_type, 'running',
            CASE WHEN g <= $2 THEN $1::timestamptz - make_interval(mins => 60 + g * 27)
                 ELSE $1::timestamptz - make_interval(secs => g * 7) END
       FROM generate_series(1, $2::int + $3::int) AS g
       JOIN LATERAL (SELECT * FROM scheduled_jobs
                      WHERE project_id = ${projectId(`g % ${scale.projects}`)}
                      ORDER BY job_type OFFSET g % 15 LIMIT 1) j ON true`,
    [now, SCALE_FACTS.stuckWorkers, SCALE_FACTS.freshWorkers],
  );
}

/**
 * Connector events over the same span as the runs; a tenth are process runs as LabPics's
 * process-log writes them, the last SCALE_FACTS.stuckProcesses of which never finished.
 */
async function fillConnectorEvents(
  db: Queryable,
  now: Date,
  scale: LabpicsScale,
  spanSeconds: number,
): Promise<void> {
  const processRuns = Math.floor(scale.connectorEvents / 20);
  const plain = scale.connectorEvents - 2 * processRuns + SCALE_FACTS.stuckProcesses;
  await db.query(
    `INSERT INTO connector_events (project_id, account_scope_id, event_type, occurred_at, actor,
                                   source, source_ref, payload_json, dedupe_key)
     SELECT ${projectId(`i % ${scale.projects}`)}, $1,
            (${CONNECTOR_EVENT_TYPES})[1 + i % 16],
            $2::timestamptz - make_interval(secs => ($3::int - i) * $4::float8),
            (ARRAY['client', 'team'])[1 + i % 2], (${SOURCES})[1 + i % 3],
            'ref:' || i, '{}'::jsonb, 'event:' || i
       FROM generate_series(1, $3::int) AS i`,
    [SCOPE, now, plain, spanSeconds / plain],
  );
  // Starts from span ago to 2 h ago; each one's end event after 30 s to 15 min.
  await db.query(
    `INSERT INTO connector_events (project_id, account_scope_id, event_type, occurred_at, actor,
                                   source, source_ref, payload_json, dedupe_key)
     SELECT ${projectId(`k % ${scale.projects}`)}, $1, e.type, e.at, 'system', 'system',
            format('process:%s:%s', r.name, k),
            jsonb_build_object('process', r.name, 'run_id', k::text) || e.payload,
            format('process:%s:%s', k, e.type)
       FROM generate_series(1, $3::int) AS k,
            LATERAL (SELECT (${PROCESSES})[1 + k % 4] AS name,
                            $2::timestamptz - interval '2 hours'
                              - make_interval(secs => ($3::int - k) * $4::float8) AS started_at) r,
            LATERAL (VALUES ('process_started', r.started_at, '{}'::jsonb),
                            (CASE WHEN k % ${SCALE_FACTS.processFailedEvery} = 1 THEN 'process_failed'
                                  ELSE 'process_finished' END,
                             r.started_at + make_interval(secs => 30 + k % 870),
                             CASE WHEN k % ${SCALE_FACTS.processFailedEvery} = 1
                                  THEN '{"error_message": "killed by signal 9"}'::jsonb
                                  ELSE jsonb_build_object('duration_ms', (30 + k % 870) * 1000) END)) AS e(type, at, payload)
      WHERE e.type = 'process_started' OR k <= $3::int - $5::int`,
    [SCOPE, now, processRuns, spanSeconds / processRuns, SCALE_FACTS.stuckProcesses],
  );
}

/**
 * Fills empty labpics-shape tables (apply the shape first) with LabPics at `scale`, with
 * LabPics's own constraints and indexes in place afterwards, vacuumed and analysed as a
 * long-lived table would be. Recommended indexes are left to the caller.
 */
export async function fillLabpicsScale(
  db: Queryable,
  now: Date,
  scale: LabpicsScale,
): Promise<void> {
  checkScale(scale);
  const spanSeconds = Math.ceil(scale.workerRuns / runsPerSlot(scale.projects)) * SLOT_SECONDS;
  await withoutConstraints(db, ["worker_runs", "connector_events"], async () => {
    await fillProjects(db, now, scale.projects);
    await fillWorkerRuns(db, now, scale);
    await fillConnectorEvents(db, now, scale, spanSeconds);
  });
  await db.query(
    "VACUUM ANALYZE account_scopes, projects, scheduled_jobs, connector_sync_state, worker_runs, connector_events",
  );
}
