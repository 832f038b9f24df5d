// Rows of the LabPics tables written in either shape, so one test runs on both: the
// labpics shape gets projects, process events and real statuses; the reference shape
// the same facts in its simpler columns.
import type { Shape } from "../../src/checks/schema-shape.js";
import { applyShape } from "../../src/console/demo/labpics-fixtures.js";
import { allowSchedulerStatuses } from "../../src/console/demo/labpics-shape-demo.js";
import type { Pool } from "../../src/db/pool.js";

export const PROJECTS = {
  acme: { id: "00000000-0000-4000-8000-00000000000a", name: "Acme" },
  globex: { id: "00000000-0000-4000-8000-00000000000b", name: "Globex" },
} as const;
export type ProjectName = keyof typeof PROJECTS;

const SCOPE = "00000000-0000-4000-8000-0000000000ff";
const TABLES = {
  labpics:
    "connector_events, connector_sync_state, worker_runs, scheduled_jobs, projects, account_scopes",
  reference: "scheduled_jobs, worker_runs, process_runs, connector_sync_state",
};

export function labpicsRows(pool: Pool, shape: Shape) {
  const labpics = shape === "labpics";
  const scoped = (project: ProjectName) => [PROJECTS[project].id, SCOPE];
  let events = 0;

  const processEvent = async (
    project: ProjectName,
    type: string,
    name: string,
    runId: number,
    at: Date,
    payload: Record<string, unknown> = {},
  ): Promise<number> => {
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO connector_events (project_id, account_scope_id, event_type, occurred_at, source,
                                     source_ref, payload_json, dedupe_key)
       VALUES ($1, $2, $3, $4, 'system', $5, $6, $7) RETURNING id`,
      [
        ...scoped(project),
        type,
        at,
        `process:${name}:${runId}`,
        { process: name, run_id: String(runId), ...payload },
        `k${++events}`,
      ],
    );
    return rows[0]!.id;
  };

  return {
    shape,
    /** Creates the tables (once) and empties them, projects and scope in place. */
    async reset(): Promise<void> {
      await applyShape(pool, shape);
      if (labpics) await allowSchedulerStatuses(pool);
      await pool.query(`TRUNCATE ${TABLES[shape]} RESTART IDENTITY CASCADE`);
      if (!labpics) return;
      await pool.query(
        "INSERT INTO account_scopes (id, scope_key, name) VALUES ($1, 'default', 'Default')",
        [SCOPE],
      );
      for (const p of Object.values(PROJECTS)) {
        await pool.query("INSERT INTO projects (id, name, account_scope_id) VALUES ($1, $2, $3)", [
          p.id,
          p.name,
          SCOPE,
        ]);
      }
    },
    async job(row: {
      jobType: string;
      project?: ProjectName;
      status?: string;
      lastStatus?: string | null;
      nextRunAt: Date;
      lastError?: string | null;
      startedAt?: Date | null;
    }): Promise<void> {
      const values = [
        row.jobType,
        row.status ?? "active",
        row.lastStatus ?? null,
        row.nextRunAt,
        row.lastError ?? null,
      ];
      if (labpics) {
        await pool.query(
          `INSERT INTO scheduled_jobs (job_type, status, last_status, next_run_at, last_error,
                                       started_at, project_id, account_scope_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [...values, row.startedAt ?? null, ...scoped(row.project ?? "acme")],
        );
      } else {
        await pool.query(
          `INSERT INTO scheduled_jobs (job_type, status, last_status, next_run_at, last_error)
           VALUES ($1, $2, $3, $4, $5)`,
          values,
        );
      }
    },
    async workerRun(row: {
      jobType: string;
      status: "running" | "ok" | "failed";
      startedAt: Date;
      project?: ProjectName;
    }): Promise<number> {
      const { rows } = await pool.query<{ id: number }>(
        labpics
          ? `INSERT INTO worker_runs (job_type, status, started_at, project_id, account_scope_id)
             VALUES ($1, $2, $3, $4, $5) RETURNING id`
          : `INSERT INTO worker_runs (job_type, status, started_at) VALUES ($1, $2, $3) RETURNING id`,
        [row.jobType, row.status, row.startedAt, ...(labpics ? scoped(row.project ?? "acme") : [])],
      );
      return rows[0]!.id;
    },
    /** A process run; returns the id /stuck shows for it (process_started's id in labpics). */
    async processRun(row: {
      name: string;
      status: "running" | "ok" | "failed";
      startedAt: Date;
      project?: ProjectName;
      error?: string;
    }): Promise<number> {
      const finishedAt = new Date(row.startedAt.getTime() + 60_000);
      if (!labpics) {
        const { rows } = await pool.query<{ id: number }>(
          `INSERT INTO process_runs (process, status, started_at, finished_at, error)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [
            row.name,
            row.status,
            row.startedAt,
            row.status === "running" ? null : finishedAt,
            row.error ?? null,
          ],
        );
        return rows[0]!.id;
      }
      const project = row.project ?? "acme";
      const runId = events + 1000;
      const id = await processEvent(project, "process_started", row.name, runId, row.startedAt);
      if (row.status === "ok") {
        await processEvent(project, "process_finished", row.name, runId, finishedAt);
      }
      if (row.status === "failed") {
        await processEvent(project, "process_failed", row.name, runId, finishedAt, {
          error_message: row.error ?? "failed",
        });
      }
      return id;
    },
    async connector(row: {
      connector: "chatwoot" | "linear" | "attio";
      /** labpics status; the reference shape stores it as last_status. */
      status: string;
      syncedAt: Date | null;
      attemptAt?: Date | null;
      lastError?: string | null;
      project?: ProjectName;
      /** labpics: meta.mode 'mock', as LabPics runs Attio and Linear by default. */
      mock?: boolean;
    }): Promise<void> {
      if (labpics) {
        await pool.query(
          `INSERT INTO connector_sync_state (connector, status, last_success_at, last_attempt_at,
                                             last_error, project_id, account_scope_id, meta)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            row.connector,
            row.status,
            row.syncedAt,
            row.attemptAt ?? row.syncedAt,
            row.lastError ?? null,
            ...scoped(row.project ?? "acme"),
            row.mock ? { mode: "mock" } : {},
          ],
        );
      } else {
        await pool.query(
          `INSERT INTO connector_sync_state (connector, last_status, last_synced_at, last_error)
           VALUES ($1, $2, $3, $4)`,
          [row.connector, row.status, row.syncedAt, row.lastError ?? null],
        );
      }
    },
  };
}

export type LabpicsRows = ReturnType<typeof labpicsRows>;
