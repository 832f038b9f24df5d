import { opendir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Integrity, IntegrityReader } from "./backup-integrity.js";

/** What LabPics's backup.sh writes: `${POSTGRES_DB}_YYYYmmdd_HHMMSS.sql.gz`. */
const BACKUP_NAME = /^.+_(\d{8}_\d{6})\.sql\.gz$/;

export interface BackupFile {
  name: string;
  bytes: number;
  modifiedAt: Date;
  /** Read for the newest backups, down to the first finished one (backup-integrity.ts). */
  integrity?: Integrity;
}

export type BackupListing =
  | { configured: false }
  | {
      configured: true;
      dir: string;
      /** Newest first; at most STAT_LIMIT of them. */
      files: BackupFile[];
      /** How many backups the directory holds (files lists the newest of them). */
      count: number;
      /** Backups that went (or were dangling links) between the listing and their stat. */
      unreadable: number;
      checkedAt: Date;
    };

/** Less than this share of the backup before it: a truncated dump, not a smaller database. */
export const TRUNCATED_RATIO = 0.5;
// backup.sh pipes pg_dump into the final name, so a file this young may still be written.
export const SETTLING_MS = 10 * 60_000;

export type BackupProblem =
  | { kind: "missing" }
  | { kind: "old"; file: BackupFile; ageMs: number; limitHours: number }
  | { kind: "truncated"; file: BackupFile; previous: BackupFile; ratio: number }
  | { kind: "damaged"; file: BackupFile; detail: string };

/** Backups stat'ed, newest by name first: retention keeps a week, a full disk far more. */
export const STAT_LIMIT = 200;
const STAT_BATCH = 16;
// The stamp in the name orders them (it is when the dump started); mtime breaks ties.
const stampOf = (name: string) => BACKUP_NAME.exec(name)![1]!;
const newestName = (a: string, b: string) =>
  stampOf(b).localeCompare(stampOf(a)) || b.localeCompare(a);

/** Backup names in `dir`, read entry by entry: 50,000 files hold only their names. */
async function backupNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of await opendir(dir)) {
    if (BACKUP_NAME.test(entry.name)) names.push(entry.name);
  }
  return names;
}

/** A file's size and mtime; undefined for one that is gone, dangling or not a file. */
async function statFile(dir: string, name: string): Promise<BackupFile | undefined> {
  try {
    const info = await stat(join(dir, name));
    return info.isFile() ? { name, bytes: info.size, modifiedAt: info.mtime } : undefined;
  } catch {
    return undefined;
  }
}

const settledAt = (now: Date) => (f: BackupFile) =>
  now.getTime() - f.modifiedAt.getTime() >= SETTLING_MS;

/** The files judged: the newest ones still being written, and the first finished one. */
function judged(files: BackupFile[], now: Date): BackupFile[] {
  const settled = files.findIndex(settledAt(now));
  return settled < 0 ? files : files.slice(0, settled + 1);
}

/**
 * The backups in `dir`, as of `now` (the injected clock). Other files are ignored. With
 * `readIntegrity`, the judged files carry whether they are whole dumps.
 */
export async function listBackups(
  dir: string | undefined,
  now: Date,
  readIntegrity?: IntegrityReader,
): Promise<BackupListing> {
  if (dir === undefined) return { configured: false };
  const names = (await backupNames(dir)).sort(newestName);
  const newest = names.slice(0, STAT_LIMIT);
  const files: BackupFile[] = [];
  for (let i = 0; i < newest.length; i += STAT_BATCH) {
    const batch = await Promise.all(newest.slice(i, i + STAT_BATCH).map((n) => statFile(dir, n)));
    files.push(...batch.filter((f) => f !== undefined));
  }
  const unreadable = newest.length - files.length;
  files.sort(
    (a, b) =>
      stampOf(b.name).localeCompare(stampOf(a.name)) ||
      b.modifiedAt.getTime() - a.modifiedAt.getTime(),
  );
  if (readIntegrity) {
    const read = judged(files, now);
    const found = await readIntegrity(dir, read);
    read.forEach((file, i) => (file.integrity = found[i]));
  }
  return {
    configured: true,
    dir,
    files,
    count: names.length - unreadable,
    unreadable,
    checkedAt: now,
  };
}

/**
 * Why the backups cannot be trusted, if they cannot: none at all, the newest older than
 * the limit (by its mtime: when the dump finished), a judged one that is not a whole dump
 * (at once when it is finished, else once it has settled), or the newest finished one far
 * smaller than the one before it.
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
  const isSettled = settledAt(listing.checkedAt);
  for (const file of judged(listing.files, listing.checkedAt)) {
    const integrity = file.integrity;
    if (integrity?.state === "bad" && (integrity.final || isSettled(file))) {
      return { kind: "damaged", file, detail: integrity.detail };
    }
  }
  const settled = listing.files.findIndex(isSettled);
  const file = listing.files[settled];
  const previous = listing.files[settled + 1];
  if (settled < 0 || file === undefined || previous === undefined || previous.bytes === 0) {
    return undefined;
  }
  const ratio = file.bytes / previous.bytes;
  return ratio < TRUNCATED_RATIO ? { kind: "truncated", file, previous, ratio } : undefined;
}
