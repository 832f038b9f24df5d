import type { Pool } from "../../db/pool.js";
import { projectFilter, type Scope } from "../scope.js";

export interface ConnectorSync {
  projectId: string | null;
  project: string | null;
  connector: string;
  /** status (labpics) or last_status (reference) as stored. */
  lastStatus: string | null;
  /** Last successful sync: last_success_at (labpics) or last_synced_at (reference). */
  lastSyncedAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  failed: boolean;
  /** Some of the sync failed (labpics `partial`). */
  partial: boolean;
  /** `running` for longer than the stuck threshold. */
  stuck: boolean;
  /** Never synced (labpics `idle`): shown, not a failure, not stale. */
  idle: boolean;
  /** Syncs mock data (labpics `meta.mode = 'mock'`): an ok here says nothing of the service. */
  mock: boolean;
  stale: boolean;
}

export interface SyncThresholds {
  staleMinutes: number;
  stuckMinutes: number;
}

interface Row {
  project_id: string | null;
  project: string | null;
  connector: string;
  status: string | null;
  synced_at: Date | null;
  attempt_at: Date | null;
  last_error: string | null;
  mock: boolean;
}

// The reference shape fixes no vocabulary for a connector's status: these read as success,
// "running" as in progress, anything else as a failure.
const OK_LIKE = new Set(["ok", "success", "succeeded", "synced", "completed", "done"]);

// No LIMIT: one row per project and connector; the rendering says "+N more".
const QUERY = {
  labpics: `SELECT c.project_id::text, p.name AS project, c.connector, c.status,
                   c.last_success_at AS synced_at, c.last_attempt_at AS attempt_at, c.last_error,
                   coalesce(c.meta->>'mode' = 'mock', false) AS mock
              FROM connector_sync_state c JOIN projects p ON p.id = c.project_id
             WHERE ${projectFilter("c", 1)}
             ORDER BY p.name, c.project_id, c.connector`,
  reference: `SELECT NULL AS project_id, NULL AS project, connector, last_status AS status,
                     last_synced_at AS synced_at, NULL::timestamptz AS attempt_at, last_error,
                     false AS mock
                FROM connector_sync_state ORDER BY connector`,
};

const rank = (c: ConnectorSync) =>
  c.failed || c.stuck ? 0 : c.partial ? 1 : c.stale ? 2 : c.idle ? 3 : 4;

export async function listConnectors(
  pool: Pool,
  scope: Scope,
  now: Date,
  thresholds: SyncThresholds,
): Promise<ConnectorSync[]> {
  const values = scope.shape === "labpics" ? [scope.projectIds] : [];
  const { rows } = await pool.query<Row>(QUERY[scope.shape], values);
  const staleBefore = now.getTime() - thresholds.staleMinutes * 60_000;
  const stuckBefore = now.getTime() - thresholds.stuckMinutes * 60_000;
  const connectors = rows.map((r): ConnectorSync => {
    const status = r.status?.toLowerCase() ?? null;
    const labpics = scope.shape === "labpics";
    const idle = labpics && status === "idle";
    const failed = labpics
      ? status === "failed"
      : status !== null && status !== "running" && !OK_LIKE.has(status);
    const stuck =
      labpics &&
      status === "running" &&
      r.attempt_at !== null &&
      r.attempt_at.getTime() < stuckBefore;
    return {
      projectId: r.project_id,
      project: r.project,
      connector: r.connector,
      lastStatus: r.status,
      lastSyncedAt: r.synced_at,
      lastAttemptAt: r.attempt_at,
      lastError: r.last_error,
      failed,
      partial: labpics && status === "partial",
      stuck,
      idle,
      mock: r.mock,
      // A failed (or stuck) connector is not also stale: its failure says more than its age.
      stale:
        !idle && !failed && !stuck && (r.synced_at === null || r.synced_at.getTime() < staleBefore),
    };
  });
  return connectors.sort((a, b) => rank(a) - rank(b));
}
