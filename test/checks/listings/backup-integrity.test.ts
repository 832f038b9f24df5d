// backup_stale for a backup that is not a whole dump, on real files: what `pg_dump | gzip`
// leaves when pg_dump fails (run for real, as backup.sh runs it), a stream cut short, a file
// that is not gzip, a dump without pg_dump's last line; and each file read once.
import { execFile } from "node:child_process";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { diagnosticsAlerts } from "../../../src/alerts/rules-diagnostics.js";
import {
  createIntegrityReader,
  readIntegrity,
  type IntegrityReader,
} from "../../../src/checks/listings/backup-integrity.js";
import { listBackups } from "../../../src/checks/listings/backups.js";
import { demoDump } from "../../../src/console/demo-backups.js";
import { HOUR, MINUTE } from "../../kit/fake-clock.js";
import { createTestDatabase } from "../../kit/postgres.js";

const NOW = new Date("2026-11-28T12:00:00Z");
const OPTIONS = { longQueryMinutes: 10, blockedMinutes: 5, backupMaxAgeHours: 26 };
const OLDER = "labpics_20261127_030000.sql.gz";
const NEWEST = "labpics_20261128_030000.sql.gz";
let dir: string;
let reader: IntegrityReader;
let reads: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "opsbot-backup-integrity-"));
  reads = [];
  reader = createIntegrityReader((path, bytes) => {
    reads.push(path);
    return readIntegrity(path, bytes);
  });
  await place(OLDER, demoDump(20), 33 * HOUR);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function place(name: string, content: Buffer, ageMs: number): Promise<void> {
  await writeFile(join(dir, name), content);
  await age(name, ageMs);
}
async function age(name: string, ageMs: number): Promise<void> {
  const at = new Date(NOW.getTime() - ageMs);
  await utimes(join(dir, name), at, at);
}
const summaries = async (now = NOW) =>
  diagnosticsAlerts({ backups: await listBackups(dir, now, reader) }, OPTIONS).alerts.map(
    (a) => `${a.kind}: ${a.summary}`,
  );

const pgDump = (database: string, file: string) =>
  promisify(execFile)("sh", ["-c", `pg_dump "${database}" | gzip > "${file}"`]).catch(() => null);
const hasPgDump = await promisify(execFile)("pg_dump", ["--version"]).then(
  () => true,
  () => false,
);

describe("backup integrity", () => {
  it.skipIf(!hasPgDump)(
    "pages at once for what pg_dump | gzip leaves when pg_dump fails",
    async () => {
      const database = await createTestDatabase();
      try {
        const url = new URL(database.connectionString);
        url.pathname = "/opsbot_no_such_database";
        await pgDump(url.toString(), join(dir, NEWEST));
        await age(NEWEST, MINUTE);
        expect(await summaries()).toEqual([
          `backup_stale: backup ${NEWEST} (0 KB) is not a whole dump: an empty dump (0 bytes of SQL)`,
        ]);
        // A real dump of a real database is whole, however young.
        if (!database.embedded) {
          await pgDump(database.connectionString, join(dir, NEWEST));
          await age(NEWEST, MINUTE);
          expect(await summaries()).toEqual([]);
        }
      } finally {
        await database.drop();
      }
    },
  );

  it("pages at once for a dump pg_dump did not finish, though its gzip stream is whole", async () => {
    const sql = "--\n-- PostgreSQL database dump\n--\n\nCOPY public.t (id) FROM stdin;\n";
    await place(NEWEST, gzipSync(sql.repeat(100)), MINUTE);
    expect(await summaries()).toEqual([
      `backup_stale: backup ${NEWEST} (0 KB) is not a whole dump: pg_dump did not finish (no "-- PostgreSQL database dump complete")`,
    ]);
  });

  it("pages at once for a file that is not gzip", async () => {
    await place(NEWEST, Buffer.alloc(20_000), MINUTE);
    const [summary] = await summaries();
    expect(summary).toMatch(
      /is not a whole dump: not a valid gzip file \(incorrect header check\)/,
    );
  });

  it("waits for a stream cut short to settle (it may still be written), then pages", async () => {
    await place(NEWEST, demoDump(20).subarray(0, 15_000), 5 * MINUTE);
    expect(await summaries()).toEqual([]);
    expect(await summaries(new Date(NOW.getTime() + 5 * MINUTE))).toEqual([
      `backup_stale: backup ${NEWEST} (15 KB) is not a whole dump: the gzip stream ends early`,
    ]);
  });

  it("judges the finished one before a dump still being written", async () => {
    await place(NEWEST, Buffer.alloc(100), 20 * MINUTE);
    await place("labpics_20261128_115800.sql.gz", demoDump(20).subarray(0, 100), MINUTE);
    const [summary] = await summaries();
    expect(summary).toContain(`backup ${NEWEST} (0 KB) is not a whole dump: not a valid gzip`);
  });

  it("reads each file once while its size and mtime stay, and again when they change", async () => {
    await place(NEWEST, demoDump(20), HOUR);
    expect(await summaries()).toEqual([]);
    expect(await summaries()).toEqual([]);
    expect(reads).toEqual([join(dir, NEWEST)]);
    await place(NEWEST, gzipSync(""), HOUR);
    expect(await summaries()).toEqual([
      `backup_stale: backup ${NEWEST} (0 KB) is not a whole dump: an empty dump (0 bytes of SQL)`,
    ]);
    expect(reads).toEqual([join(dir, NEWEST), join(dir, NEWEST)]);
  });

  it("answers 'still being read' for a long reading and remembers its answer for the next check", async () => {
    let finish: () => void = () => undefined;
    const slow = createIntegrityReader(
      () => new Promise((resolve) => (finish = () => resolve({ state: "whole" }))),
      0,
    );
    const file = { name: NEWEST, bytes: 1, modifiedAt: NOW };
    expect(await slow(dir, [file])).toEqual([{ state: "unread", detail: "still being read" }]);
    finish();
    expect(await slow(dir, [file])).toEqual([{ state: "whole" }]);
  });
});
