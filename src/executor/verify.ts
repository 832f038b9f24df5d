import type { Clock } from "../clock.js";
import type { Pool } from "../db/pool.js";
import type { VerifyResult } from "./reporter.js";

export interface VerifyDeps {
  pool: Pool;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  apiHealthy: () => Promise<{ healthy: boolean; detail?: string }>;
  verifyMs: number;
  deployId: string;
  pollMs?: number;
  /** Shutdown: stop polling and report nothing. */
  signal?: AbortSignal;
}

/** After a deploy: poll the API until healthy or VERIFY_SECONDS pass; undefined if aborted. */
export async function verifyHealth(deps: VerifyDeps): Promise<VerifyResult | undefined> {
  const started = deps.clock.now().getTime();
  const pollMs = Math.min(deps.pollMs ?? 5_000, deps.verifyMs);
  let detail: string | undefined;
  for (;;) {
    const check = await deps.apiHealthy();
    const waitedMs = deps.clock.now().getTime() - started;
    if (check.healthy) return { healthy: true, waitedMs };
    detail = check.detail;
    if (waitedMs >= deps.verifyMs) break;
    await deps.sleep(pollMs);
    if (deps.signal?.aborted) return undefined;
  }
  const rollbackRef = await previousGoodRef(deps.pool, deps.deployId);
  return {
    healthy: false,
    waitedMs: deps.clock.now().getTime() - started,
    ...(detail !== undefined ? { detail } : {}),
    ...(rollbackRef !== undefined ? { rollbackRef } : {}),
  };
}

/**
 * What was in place before this deploy: what its script reported (`opsbot: previous`),
 * else the latest earlier success with another ref (its commit where one was reported).
 */
export async function previousGoodRef(pool: Pool, deployId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ ref: string | null }>(
    `SELECT COALESCE(NULLIF(d.previous_ref, d.commit_sha), (
        SELECT COALESCE(a.commit_sha, a.ref) FROM opsbot.actions a
         WHERE a.state = 'succeeded' AND a.id <> d.id AND a.ref <> d.ref
           AND a.finished_at <= d.started_at
         ORDER BY a.finished_at DESC LIMIT 1)) AS ref
       FROM opsbot.actions d WHERE d.id = $1`,
    [deployId],
  );
  return rows[0]?.ref ?? undefined;
}
