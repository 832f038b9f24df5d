import {
  backupProblem,
  type BackupFile,
  type BackupListing,
  type BackupProblem,
} from "../../checks/listings/backups.js";
import { backupProblemFacts, describeBackupProblem } from "../../alerts/rules-diagnostics.js";
import type { Translator } from "../../i18n/translator.js";
import { bold, code, escapeHtml } from "../format/html.js";
import { alertText } from "./alert-text.js";

/** What backup_stale means here: the alert's own message, so /backups and the alert agree. */
const backupStaleText = (problem: BackupProblem, dir: string, lang: Translator) =>
  alertText(lang, {
    kind: "backup_stale",
    summary: describeBackupProblem(problem, dir),
    facts: backupProblemFacts(problem, dir),
  });

function fileLine(label: string, file: BackupFile, now: Date, lang: Translator): string {
  const args = {
    label: lang.t(label),
    name: code(file.name),
    age: escapeHtml(lang.age(file.modifiedAt, now)),
    size: lang.bytes(file.bytes),
  };
  // A dump too large (or too slow) to read is judged by age and size alone: say so.
  return file.integrity?.state === "unread"
    ? lang.t("backups-file-unread", { ...args, detail: escapeHtml(file.integrity.detail) })
    : lang.t("backups-file", args);
}

export function renderBackups(listing: BackupListing, maxAgeHours: number, lang: Translator) {
  if (!listing.configured) return lang.t("backups-not-configured");
  const { files, checkedAt, count, unreadable } = listing;
  const header = {
    title: bold(lang.t("backups-title")),
    dir: code(listing.dir),
    count,
    size: lang.bytes(files.reduce((sum, f) => sum + f.bytes, 0)),
  };
  const problem = backupProblem(listing, maxAgeHours);
  const verdict = problem
    ? `🔴 ${bold("backup_stale")}: ${backupStaleText(problem, listing.dir, lang)}`
    : lang.t("backups-ok", { hours: maxAgeHours });
  const [newest, previous] = files;
  return [
    // Past STAT_LIMIT only the newest are measured; the count is of every name.
    count > files.length
      ? lang.t("backups-header-newest", { ...header, measured: files.length })
      : lang.t("backups-header-all", header),
    ...(newest ? [fileLine("backups-newest", newest, checkedAt, lang)] : []),
    ...(previous ? [fileLine("backups-before", previous, checkedAt, lang)] : []),
    ...(unreadable > 0 ? [lang.t("backups-unreadable", { n: unreadable })] : []),
    verdict,
  ].join("\n");
}
