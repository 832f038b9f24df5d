import { randomBytes } from "node:crypto";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const DAY_MS = 86_400_000;
// Nightly dumps at 03:00 UTC of about 150 KB; the newest is cut short, so the demo shows
// backup_stale as it would page in production.
const SIZES_KB = [45, 152, 150, 149, 147];

/** What `pg_dump | gzip` writes, about `kb` KB of it (random rows barely compress). */
export function demoDump(kb: number): Buffer {
  const rows = randomBytes(kb * 1024).toString("base64");
  const sql = [
    "--\n-- PostgreSQL database dump\n--\n",
    `COPY public.demo (data) FROM stdin;\n${rows}\n\\.\n`,
    "--\n-- PostgreSQL database dump complete\n--\n",
  ].join("\n");
  return gzipSync(sql);
}

/**
 * A backup directory as LabPics's backup.sh leaves it, under the OS temp dir: the console
 * demo's BACKUP_DIR. Made at start relative to `now`; never part of the repository.
 */
export function createDemoBackupDir(now: Date): string {
  const dir = mkdtempSync(join(tmpdir(), "opsbot-demo-backups-"));
  const lastNight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 3);
  const newest = lastNight <= now.getTime() ? lastNight : lastNight - DAY_MS;
  SIZES_KB.forEach((kb, i) => {
    const started = new Date(newest - i * DAY_MS);
    const stamp = started.toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 15);
    const path = join(dir, `labpics_${stamp}.sql.gz`);
    // The newest stopped mid-stream at 45 KB of what would have been as large as the others.
    writeFileSync(path, i === 0 ? demoDump(SIZES_KB[1]!).subarray(0, kb * 1024) : demoDump(kb));
    // pg_dump of this size takes a couple of minutes.
    const finished = new Date(started.getTime() + 2 * 60_000);
    utimesSync(path, finished, finished);
  });
  return dir;
}
