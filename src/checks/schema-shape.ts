import type { Pool } from "../db/pool.js";

/**
 * Which shape a LabPics table has: `labpics` (project-scoped, as LabPics's migrations leave
 * it) or `reference` (the simple unscoped shape of older installations).
 */
export type Shape = "labpics" | "reference";

/** A table a check can read, or the columns it lacks ("table.column", or "table"). */
export type TableState = { shape: Shape } | { missing: string[] };

export interface SchemaShape {
  /** scheduled_jobs. */
  jobs: TableState;
  /** worker_runs. */
  workers: TableState;
  /** connector_sync_state. */
  sync: TableState;
  /** process_runs where it exists (reference), else connector_events (labpics). */
  processes: TableState;
  /** LabPics's scheduler writes scheduled_jobs.started_at; its migrations do not create it. */
  jobStartedAt: boolean;
  /** Every missing table or column, for /health, /healthz and the log. */
  mismatches: string[];
  /**
   * Columns LabPics's own scheduler writes that are missing ("table.column"): the bot's
   * checks work, but every worker tick of LabPics fails on them.
   */
  schedulerGaps: string[];
}

/** What LabPics's scheduler sets when it claims a job (domains/core/scheduler.js). */
export const SCHEDULER_WRITES = "scheduled_jobs.started_at";

/** A check needs a table or column that is not there: the database answers, the shape is off. */
export class SchemaMismatchError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(`schema mismatch: ${missing.join(", ")}`);
    this.name = "SchemaMismatchError";
  }
}

const SCOPED = ["project_id"];
// The columns each check reads, per shape.
const NEEDS = {
  scheduled_jobs: {
    reference: ["job_type", "status", "last_status", "last_run_at", "next_run_at", "last_error"],
    labpics: [
      ...SCOPED,
      "job_type",
      "status",
      "last_status",
      "last_run_at",
      "next_run_at",
      "last_error",
    ],
  },
  worker_runs: {
    reference: ["id", "job_type", "status", "started_at"],
    labpics: [...SCOPED, "id", "job_type", "status", "started_at"],
  },
  connector_sync_state: {
    reference: ["connector", "last_status", "last_synced_at", "last_error"],
    labpics: [
      ...SCOPED,
      "connector",
      "status",
      "last_success_at",
      "last_attempt_at",
      "last_error",
      // meta.mode = 'mock': LabPics runs Attio and Linear on mock data by default.
      "meta",
    ],
  },
  process_runs: { reference: ["id", "process", "status", "started_at"], labpics: [] },
  connector_events: {
    reference: [],
    labpics: [...SCOPED, "id", "event_type", "occurred_at", "source", "source_ref", "payload_json"],
  },
} as const;
const PROJECT_COLUMNS = ["id", "name"];

type Columns = Map<string, Set<string>>;

function stateOf(columns: Columns, table: keyof typeof NEEDS): TableState {
  const present = columns.get(table);
  if (present === undefined) return { missing: [table] };
  const shape: Shape = present.has("project_id") ? "labpics" : "reference";
  const needed: readonly string[] = NEEDS[table][shape];
  // A labpics table carries no process_runs-style columns and the other way round.
  if (needed.length === 0) return { missing: [table] };
  const missing = needed.filter((c) => !present.has(c)).map((c) => `${table}.${c}`);
  if (shape === "labpics") {
    // Every labpics listing names the project.
    const projects = columns.get("projects");
    if (projects === undefined) missing.push("projects");
    else
      missing.push(...PROJECT_COLUMNS.filter((c) => !projects.has(c)).map((c) => `projects.${c}`));
  }
  return missing.length > 0 ? { missing } : { shape };
}

/** Reads information_schema once: the tables on the search path and their columns. */
export async function detectSchemaShape(pool: Pool): Promise<SchemaShape> {
  const { rows } = await pool.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = ANY (current_schemas(false))
        AND table_name = ANY ($1::text[])`,
    [[...Object.keys(NEEDS), "projects"]],
  );
  const columns: Columns = new Map();
  for (const r of rows) {
    const set = columns.get(r.table_name) ?? new Set<string>();
    set.add(r.column_name);
    columns.set(r.table_name, set);
  }
  const processes = columns.has("process_runs")
    ? stateOf(columns, "process_runs")
    : stateOf(columns, "connector_events");
  const shape = {
    jobs: stateOf(columns, "scheduled_jobs"),
    workers: stateOf(columns, "worker_runs"),
    sync: stateOf(columns, "connector_sync_state"),
    processes,
    jobStartedAt: columns.get("scheduled_jobs")?.has("started_at") ?? false,
  };
  const mismatches = [
    ...new Set(
      [shape.jobs, shape.workers, shape.sync, shape.processes].flatMap((s) =>
        "missing" in s ? s.missing : [],
      ),
    ),
  ];
  const schedulerGaps =
    "shape" in shape.jobs && shape.jobs.shape === "labpics" && !shape.jobStartedAt
      ? [SCHEDULER_WRITES]
      : [];
  return { ...shape, mismatches, schedulerGaps };
}

/** The table's shape, or a SchemaMismatchError naming what is missing. */
export function requireShape(state: TableState): Shape {
  if ("missing" in state) throw new SchemaMismatchError(state.missing);
  return state.shape;
}

/** One line: each table's shape, e.g. "labpics (processes from connector_events)". */
export function describeShape(shape: SchemaShape): string {
  const states = [shape.jobs, shape.workers, shape.sync, shape.processes];
  const shapes = new Set(states.flatMap((s) => ("shape" in s ? [s.shape] : [])));
  const name = shapes.size === 0 ? "none" : [...shapes].join(" + ");
  const processes =
    "shape" in shape.processes
      ? shape.processes.shape === "labpics"
        ? "process runs from connector_events"
        : "process runs from process_runs"
      : undefined;
  return [name, processes].filter(Boolean).join(", ");
}
