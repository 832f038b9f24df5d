// /backups and backup_stale on real files: backup.sh's names in a temp dir, mtimes set
// relative to a fixed "now" (the injected clock's), never the wall clock.
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { diagnosticsAlerts } from "../../../src/alerts/rules-diagnostics.js";
import { renderBackups } from "../../../src/bot/render/backups.js";
import { backupProblem, listBackups, STAT_LIMIT } from "../../../src/checks/listings/backups.js";
import { HOUR, MINUTE } from "../../kit/fake-clock.js";
import { createTranslator } from "../../../src/i18n/catalogue.js";

const en = createTranslator("en");

const NOW = new Date("2026-11-28T12:00:00Z");
const OPTIONS = { longQueryMinutes: 10, blockedMinutes: 5, backupMaxAgeHours: 26 };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "opsbot-backups-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A dump of `bytes` bytes that finished `ageMs` before NOW. */
async function backup(name: string, bytes: number, ageMs: number): Promise<void> {
  const path = join(dir, name);
  await writeFile(path, Buffer.alloc(bytes));
  const at = new Date(NOW.getTime() - ageMs);
  await utimes(path, at, at);
}

const alertsFor = async () =>
  diagnosticsAlerts({ backups: await listBackups(dir, NOW) }, OPTIONS).alerts;

describe("backups", () => {
  it("lists backup.sh's files newest first and ignores anything else", async () => {
    await backup("labpics_20261127_030000.sql.gz", 2000, 33 * HOUR);
    await backup("labpics_20261128_030000.sql.gz", 2100, 9 * HOUR);
    await backup("labpics_20261126_030000.sql.gz", 1900, 57 * HOUR);
    await backup("notes.txt", 10, HOUR);
    await backup("labpics_latest.sql.gz", 10, HOUR);
    const listing = await listBackups(dir, NOW);
    expect(listing.configured && listing.files.map((f) => f.name)).toEqual([
      "labpics_20261128_030000.sql.gz",
      "labpics_20261127_030000.sql.gz",
      "labpics_20261126_030000.sql.gz",
    ]);
    expect(await alertsFor()).toEqual([]);
    const text = renderBackups(listing, 26, en);
    expect(text).toContain("3 kept");
    expect(text).toContain("<code>labpics_20261128_030000.sql.gz</code> — 9h 0m ago, 2.1 KB");
    expect(text).toContain("✅");
  });

  it("says not configured without BACKUP_DIR, and pages nothing", async () => {
    const listing = await listBackups(undefined, NOW);
    expect(renderBackups(listing, 26, en)).toContain("not configured");
    expect(diagnosticsAlerts({ backups: listing }, OPTIONS)).toEqual({ alerts: [], evaluated: [] });
  });

  it("pages backup_stale when the newest backup is older than the limit", async () => {
    await backup("labpics_20261127_030000.sql.gz", 2000, 26 * HOUR + MINUTE);
    const [alert] = await alertsFor();
    expect(alert).toMatchObject({
      fingerprint: "backup_stale",
      kind: "backup_stale",
      source: "backups",
    });
    expect(alert!.summary).toContain("more than 26 h ago");
    await backup("labpics_20261127_030000.sql.gz", 2000, 26 * HOUR - MINUTE);
    expect(await alertsFor()).toEqual([]);
  });

  it("pages backup_stale when the newest backup is less than half the one before it", async () => {
    await backup("labpics_20261127_030000.sql.gz", 10_000, 33 * HOUR);
    await backup("labpics_20261128_030000.sql.gz", 4_000, 9 * HOUR);
    const [alert] = await alertsFor();
    expect(alert!.summary).toContain("40% of the one before it");
    expect(alert!.summary).toContain("truncated");
    expect(renderBackups(await listBackups(dir, NOW), 26, en)).toContain("🔴");
    await backup("labpics_20261128_030000.sql.gz", 5_000, 9 * HOUR);
    expect(await alertsFor()).toEqual([]);
  });

  it("does not judge a dump that may still be being written", async () => {
    await backup("labpics_20261127_030000.sql.gz", 10_000, 24 * HOUR);
    await backup("labpics_20261128_115500.sql.gz", 100, 5 * MINUTE);
    expect(await alertsFor()).toEqual([]);
    const later = await listBackups(dir, new Date(NOW.getTime() + 10 * MINUTE));
    expect(later.configured && backupProblem(later, 26)).toMatchObject({ kind: "truncated" });
  });

  it("pages backup_stale for an empty directory, and cannot evaluate a missing one", async () => {
    expect((await alertsFor())[0]!.summary).toBe(`no backup found in ${dir}`);
    await expect(listBackups(join(dir, "gone"), NOW)).rejects.toThrow(/ENOENT/);
  });

  it("skips a dangling link, a file gone before its stat and a directory, and still judges the rest", async () => {
    await backup("labpics_20261128_030000.sql.gz", 2100, 9 * HOUR);
    await backup("labpics_20261127_030000.sql.gz", 2000, 33 * HOUR);
    // A file deleted between readdir and stat fails stat exactly as a dangling link does.
    await symlink(join(dir, "deleted.sql.gz"), join(dir, "labpics_20261129_030000.sql.gz"));
    await mkdir(join(dir, "labpics_20261129_040000.sql.gz"));
    const listing = await listBackups(dir, NOW);
    expect(listing).toMatchObject({ count: 2, unreadable: 2 });
    expect(listing.configured && listing.files.map((f) => f.name)).toEqual([
      "labpics_20261128_030000.sql.gz",
      "labpics_20261127_030000.sql.gz",
    ]);
    const text = renderBackups(listing, 26, en);
    expect(text).toContain("2 kept");
    expect(text).toContain("2 could not be read");
    expect(text).toContain("✅");
    expect(await alertsFor()).toEqual([]);
  });

  it("stats only the newest backups of a huge directory, and counts them all", async () => {
    const total = STAT_LIMIT * 5;
    await Promise.all(
      Array.from({ length: total }, (_, i) => {
        const day = new Date(NOW.getTime() - (i + 1) * 24 * HOUR);
        const stamp = day.toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 15);
        return writeFile(join(dir, `labpics_${stamp}.sql.gz`), "");
      }),
    );
    const listing = await listBackups(dir, NOW);
    expect(listing).toMatchObject({ count: total, unreadable: 0 });
    expect(listing.configured && listing.files.length).toBe(STAT_LIMIT);
    expect(listing.configured && listing.files[0]!.name).toBe("labpics_20261127_120000.sql.gz");
    expect(renderBackups(listing, 26, en)).toContain(
      `${en.number(total)} kept, 0 B in the newest ${STAT_LIMIT}`,
    );
  });
});
