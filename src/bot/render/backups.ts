import { describeBackupProblem } from "../../alerts/rules-diagnostics.js";
import {
  backupProblem,
  type BackupFile,
  type BackupListing,
} from "../../checks/listings/backups.js";
import { formatAge, formatBytes } from "../format/duration.js";
import { bold, code, escapeHtml } from "../format/html.js";

// A dump too large (or too slow) to read is judged by age and size alone: say so.
const unread = (file: BackupFile) =>
  file.integrity?.state === "unread" ? `, not read (${escapeHtml(file.integrity.detail)})` : "";
const fileLine = (label: string, file: BackupFile, now: Date) =>
  `${label}: ${code(file.name)} — ${escapeHtml(formatAge(file.modifiedAt, now))}, ${formatBytes(file.bytes)}${unread(file)}`;

export function renderBackups(listing: BackupListing, maxAgeHours: number): string {
  if (!listing.configured)
    return "➖ Backups: not configured (set BACKUP_DIR to the directory backup.sh writes to).";
  const { files, checkedAt, count, unreadable } = listing;
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  // Past STAT_LIMIT only the newest are measured; the count is of every name.
  const measured = count > files.length ? ` in the newest ${files.length}` : " in all";
  const problem = backupProblem(listing, maxAgeHours);
  const verdict = problem
    ? `🔴 ${bold("backup_stale")}: ${escapeHtml(describeBackupProblem(problem, listing.dir))}`
    : `✅ Newest backup within ${maxAgeHours} h and not truncated.`;
  const [newest, previous] = files;
  return [
    `💾 ${bold("Backups")} in ${code(listing.dir)} — ${count} kept, ${formatBytes(total)}${measured}`,
    ...(newest ? [fileLine("Newest", newest, checkedAt)] : []),
    ...(previous ? [fileLine("Before it", previous, checkedAt)] : []),
    ...(unreadable > 0
      ? [`⚠️ ${unreadable} could not be read (gone since listed, or dangling links): skipped.`]
      : []),
    verdict,
  ].join("\n");
}
