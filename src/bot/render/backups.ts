import {
  backupProblem,
  type BackupFile,
  type BackupListing,
  type BackupProblem,
} from "../../checks/listings/backups.js";
import type { Translator } from "../../i18n/translator.js";
import { bold, code, escapeHtml } from "../format/html.js";

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

/** What backup_stale means here, in words (plain text: escape it). */
function describeProblem(problem: BackupProblem, dir: string, lang: Translator): string {
  switch (problem.kind) {
    case "missing":
      return lang.t("backups-problem-missing", { dir });
    case "old":
      return lang.t("backups-problem-old", {
        name: problem.file.name,
        at: lang.dateTime(problem.file.modifiedAt),
        hours: problem.limitHours,
      });
    case "truncated":
      return lang.t("backups-problem-truncated", {
        name: problem.file.name,
        size: lang.bytes(problem.file.bytes),
        percent: Math.round(problem.ratio * 100),
        previous: problem.previous.name,
        previousSize: lang.bytes(problem.previous.bytes),
      });
    case "damaged":
      return lang.t("backups-problem-damaged", {
        name: problem.file.name,
        size: lang.bytes(problem.file.bytes),
        detail: problem.detail,
      });
  }
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
    ? `🔴 ${bold("backup_stale")}: ${escapeHtml(describeProblem(problem, listing.dir, lang))}`
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
