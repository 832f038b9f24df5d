import type { Pool } from "../db/pool.js";

export interface ConnectorSync {
  connector: string;
  lastStatus: string | null;
  lastSyncedAt: Date | null;
  lastError: string | null;
  failed: boolean;
  stale: boolean;
}

// DESIGN fixes no vocabulary for connector statuses: these read as success, "running"
// as in progress, anything else as a failure.
const OK_LIKE = new Set(["ok", "success", "succeeded", "synced", "completed", "done"]);
const MAX_CONNECTORS = 500;

export async function listConnectors(
  pool: Pool,
  now: Date,
  staleMinutes: number,
): Promise<ConnectorSync[]> {
  const { rows } = await pool.query<{
    connector: string;
    last_status: string | null;
    last_synced_at: Date | null;
    last_error: string | null;
  }>(
    `SELECT connector, last_status, last_synced_at, last_error
       FROM connector_sync_state ORDER BY connector LIMIT $1`,
    [MAX_CONNECTORS],
  );
  const staleBefore = now.getTime() - staleMinutes * 60_000;
  const connectors = rows.map((r) => {
    const status = r.last_status?.toLowerCase() ?? null;
    return {
      connector: r.connector,
      lastStatus: r.last_status,
      lastSyncedAt: r.last_synced_at,
      lastError: r.last_error,
      failed: status !== null && status !== "running" && !OK_LIKE.has(status),
      stale: r.last_synced_at === null || r.last_synced_at.getTime() < staleBefore,
    };
  });
  const rank = (c: ConnectorSync) => (c.failed ? 0 : c.stale ? 1 : 2);
  return connectors.sort((a, b) => rank(a) - rank(b));
}
