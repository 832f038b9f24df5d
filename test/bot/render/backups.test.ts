// renderBackups on plain data: not configured, none found, healthy, and a truncated dump.
import { describe, expect, it } from "vitest";
import { renderBackups } from "../../../src/bot/render/backups.js";
import type { BackupFile } from "../../../src/checks/listings/backups.js";
import { createTranslator } from "../../../src/i18n/catalogue.js";

const en = createTranslator("en");

const NOW = new Date("2030-01-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const MB = 1024 * 1024;
const listing = (files: BackupFile[]) => ({
  configured: true as const,
  dir: "/backups",
  files,
  count: files.length,
  unreadable: 0,
  checkedAt: NOW,
});
const older = { name: "db-1.sql.gz", bytes: 4 * MB, modifiedAt: minutesAgo(1500) };

describe("renderBackups", () => {
  it("says how to configure it when BACKUP_DIR is not set", () => {
    expect(renderBackups({ configured: false }, 26, en)).toBe(
      "➖ Backups: not configured (set BACKUP_DIR to the directory backup.sh writes to).",
    );
  });

  it("pages backup_stale when the directory holds none", () => {
    expect(renderBackups(listing([]), 26, en)).toBe(
      [
        "💾 <b>Backups</b> in <code>/backups</code> — 0 kept, 0 B in all",
        "🔴 <b>backup_stale</b>: no backup found in /backups",
      ].join("\n"),
    );
  });

  it("shows the newest two and says all is well", () => {
    const newest = { name: "db-2.sql.gz", bytes: 5 * MB, modifiedAt: minutesAgo(60) };
    expect(renderBackups(listing([newest, older]), 26, en)).toBe(
      [
        "💾 <b>Backups</b> in <code>/backups</code> — 2 kept, 9.0 MB in all",
        "Newest: <code>db-2.sql.gz</code> — 1h 0m ago, 5.0 MB",
        "Before it: <code>db-1.sql.gz</code> — 1d 1h ago, 4.0 MB",
        "✅ Newest backup within 26 h and not truncated.",
      ].join("\n"),
    );
  });

  it("calls a newest backup far smaller than the one before it truncated", () => {
    const newest = { name: "db-2.sql.gz", bytes: MB, modifiedAt: minutesAgo(60) };
    expect(
      renderBackups(listing([newest, older]), 26, en)
        .split("\n")
        .at(-1),
    ).toBe(
      "🔴 <b>backup_stale</b>: newest backup db-2.sql.gz is 1.0 MB, 25% of the one before it (db-1.sql.gz, 4.0 MB): a truncated dump?",
    );
  });

  it("says when the newest dump was too large to read, so only its age and size were judged", () => {
    const newest = {
      name: "db-2.sql.gz",
      bytes: 5 * MB,
      modifiedAt: minutesAgo(60),
      integrity: { state: "unread" as const, detail: "too large to read" },
    };
    expect(renderBackups(listing([newest, older]), 26, en)).toContain(
      "Newest: <code>db-2.sql.gz</code> — 1h 0m ago, 5.0 MB, not read (too large to read)",
    );
  });
});
