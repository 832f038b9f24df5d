// The app /runs, /pg and /backups are tested on: real PostgreSQL with the reference
// worker_runs, a fixed clock and a temp backup directory holding one dump nine hours old.
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../../src/clock.js";
import { applyShape } from "../../src/console/demo/labpics-fixtures.js";
import { buildTestApp, type TestApp } from "./build-test-app.js";
import { HOUR } from "./fake-clock.js";

export const DIAGNOSTICS_NOW = new Date("2026-11-28T12:00:00Z");

export interface DiagnosticsApp {
  t: TestApp;
  backupDir: string;
  close(): Promise<void>;
}

export async function startDiagnosticsApp(): Promise<DiagnosticsApp> {
  const now = DIAGNOSTICS_NOW;
  const clock: Clock = { now: () => now };
  const backupDir = await mkdtemp(join(tmpdir(), "opsbot-backups-"));
  const dump = join(backupDir, "labpics_20261128_030000.sql.gz");
  await writeFile(dump, Buffer.alloc(4096));
  const nineHoursAgo = new Date(now.getTime() - 9 * HOUR);
  await utimes(dump, nineHoursAgo, nineHoursAgo);
  const t = await buildTestApp({ clock, env: { WATCH_CRON: "0 0 1 1 *", BACKUP_DIR: backupDir } });
  await applyShape(t.pool, "reference");
  // digest: every 6 h for a week, the one 30 h ago failed; sync: one ok run an hour ago.
  await t.pool.query(
    `INSERT INTO worker_runs (job_type, status, started_at, finished_at, error)
     SELECT 'digest', CASE WHEN h = 30 THEN 'failed' ELSE 'ok' END,
            $1::timestamptz - make_interval(hours => h),
            $1::timestamptz - make_interval(hours => h) + make_interval(secs => 20 + h),
            CASE WHEN h = 30 THEN 'smtp <refused>' END
       FROM generate_series(0, 162, 6) AS h
     UNION ALL SELECT 'sync', 'ok', $1::timestamptz - interval '1 hour', $1::timestamptz - interval '59 minutes', NULL`,
    [now],
  );
  return {
    t,
    backupDir,
    async close() {
      await t.close();
      await rm(backupDir, { recursive: true, force: true });
    },
  };
}
