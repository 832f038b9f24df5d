import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** What LabPics's backup.sh writes: `${POSTGRES_DB}_YYYYmmdd_HHMMSS.sql.gz`. */
const BACKUP_NAME = /^.+_(\d{8}_\d{6})\.sql\.gz$/;

export interface BackupFile {
  name: string;
  bytes: number;
  modifiedAt: Date;
}

export type BackupListing =
  | { configured: false }
  | {
      configured: true;
      dir: string;
      /** Newest first. */
      files: BackupFile[];
      checkedAt: Date;
    };

/** Less than this share of the backup before it: a truncated dump, not a smaller database. */
export const TRUNCATED_RATIO = 0.5;
// backup.sh pipes pg_dump into the final name, so a file this young may still be written.
export const SETTLING_MS = 10 * 60_000;

export type BackupProblem =
  | { kind: "missing" }
  | { kind: "old"; file: BackupFile; ageMs: number; limitHours: number }
  | { kind: "truncated"; file: BackupFile; previous: BackupFile; ratio: number };

/** The backups in `dir`, as of `now` (the injected clock). Other files are ignored. */
export async function listBackups(dir: string | undefined, now: Date): Promise<BackupListing> {
  if (dir === undefined) return { configured: false };
  const names = (await readdir(dir)).filter((name) => BACKUP_NAME.test(name));
  const files = await Promise.all(
    names.map(async (name) => {
      const info = await stat(join(dir, name));
      return { name, bytes: info.size, modifiedAt: info.mtime };
    }),
  );
  // The stamp in the name orders them (it is when the dump started); mtime breaks ties.
  const stamp = (f: BackupFile) => BACKUP_NAME.exec(f.name)![1]!;
  files.sort(
    (a, b) => stamp(b).localeCompare(stamp(a)) || b.modifiedAt.getTime() - a.modifiedAt.getTime(),
  );
  return { configured: true, dir, files, checkedAt: now };
}

/**
 * Why the backups cannot be trusted, if they cannot: none at all, the newest older than
 * the limit (by its mtime: when the dump finished), or the newest finished one far smaller
 * than the one before it.
 */
export function backupProblem(
  listing: Extract<BackupListing, { configured: true }>,
  maxAgeHours: number,
): BackupProblem | undefined {
  const [newest] = listing.files;
  if (newest === undefined) return { kind: "missing" };
  const now = listing.checkedAt.getTime();
  const ageMs = now - newest.modifiedAt.getTime();
  if (ageMs > maxAgeHours * 3_600_000) {
    return { kind: "old", file: newest, ageMs, limitHours: maxAgeHours };
  }
  const settled = listing.files.findIndex((f) => now - f.modifiedAt.getTime() >= SETTLING_MS);
  const file = listing.files[settled];
  const previous = listing.files[settled + 1];
  if (settled < 0 || file === undefined || previous === undefined || previous.bytes === 0) {
    return undefined;
  }
  const ratio = file.bytes / previous.bytes;
  return ratio < TRUNCATED_RATIO ? { kind: "truncated", file, previous, ratio } : undefined;
}
