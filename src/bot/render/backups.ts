import { describeBackupProblem } from "../../alerts/rules-diagnostics.js";
import {
  backupProblem,
  type BackupFile,
  type BackupListing,
} from "../../checks/listings/backups.js";
import { formatAge, formatBytes } from "../format/duration.js";
import { bold, code, escapeHtml } from "../format/html.js";

const fileLine = (label: string, file: BackupFile, now: Date) =>
  `${label}: ${code(file.name)} — ${escapeHtml(formatAge(file.modifiedAt, now))}, ${formatBytes(file.bytes)}`;

export function renderBackups(listing: BackupListing, maxAgeHours: number): string {
  if (!listing.configured)
    return "➖ Backups: not configured (set BACKUP_DIR to the directory backup.sh writes to).";
  const { files, checkedAt } = listing;
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const problem = backupProblem(listing, maxAgeHours);
  const verdict = problem
    ? `🔴 ${bold("backup_stale")}: ${escapeHtml(describeBackupProblem(problem, listing.dir))}`
    : `✅ Newest backup within ${maxAgeHours} h and not truncated.`;
  const [newest, previous] = files;
  return [
    `💾 ${bold("Backups")} in ${code(listing.dir)} — ${files.length} kept, ${formatBytes(total)} in all`,
    ...(newest ? [fileLine("Newest", newest, checkedAt)] : []),
    ...(previous ? [fileLine("Before it", previous, checkedAt)] : []),
    verdict,
  ].join("\n");
}
