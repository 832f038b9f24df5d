// Is a backup a whole dump? backup.sh is `pg_dump | gzip`: when pg_dump fails, gzip still
// closes a valid stream around what it got (20 bytes for nothing at all), so a size alone
// says little. The file is read once through zlib, as `gzip -t` would, keeping only a
// count and the last bytes of SQL; a file is read again only when its size or mtime changes.
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as delay } from "node:timers/promises";
import { createGunzip } from "node:zlib";

export type Integrity =
  | { state: "whole" }
  /** final: the file is finished (a closed gzip stream, or not gzip at all), bad for good. */
  | { state: "bad"; final: boolean; detail: string }
  | { state: "unread"; detail: string };

/** Larger dumps are not read (a few seconds of CPU per GiB); their age and size still count. */
export const READ_LIMIT_BYTES = 1024 ** 3;
/** A check waits this long for a reading; a longer one goes on and answers the next check. */
export const READ_WAIT_MS = 2_000;
// Even an empty database's dump holds pg_dump's header and SET lines, about 500 bytes.
const MIN_SQL_BYTES = 200;
// pg_dump's plain format ends with this (newer versions add an \unrestrict line after it).
const DUMP_COMPLETE = "-- PostgreSQL database dump complete";
const TAIL_BYTES = 1024;

/** Reads `path` through gunzip to its end; bounded memory, any size up to READ_LIMIT_BYTES. */
export async function readIntegrity(path: string, bytes: number): Promise<Integrity> {
  if (bytes > READ_LIMIT_BYTES) return { state: "unread", detail: "too large to read" };
  let sqlBytes = 0;
  let tail = Buffer.alloc(0);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sqlBytes += chunk.length;
      tail = Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
      done();
    },
  });
  try {
    await pipeline(createReadStream(path), createGunzip(), sink);
  } catch (error) {
    return readFailure(error);
  }
  if (sqlBytes < MIN_SQL_BYTES) {
    return { state: "bad", final: true, detail: `an empty dump (${sqlBytes} bytes of SQL)` };
  }
  if (!tail.toString("latin1").includes(DUMP_COMPLETE)) {
    return { state: "bad", final: true, detail: `pg_dump did not finish (no "${DUMP_COMPLETE}")` };
  }
  return { state: "whole" };
}

function readFailure(error: unknown): Integrity {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  // The stream stops early: cut, or still being written.
  if (code === "Z_BUF_ERROR")
    return { state: "bad", final: false, detail: "the gzip stream ends early" };
  if (code === "Z_DATA_ERROR")
    return { state: "bad", final: true, detail: `not a valid gzip file (${message})` };
  return { state: "unread", detail: message };
}

/** The reading, or "unread" if it takes longer than `ms` (it goes on, remembered). */
async function within(reading: Promise<Integrity>, ms: number): Promise<Integrity> {
  const timer = new AbortController();
  const late = delay(ms, undefined, { ref: false, signal: timer.signal }).then(
    (): Integrity => ({ state: "unread", detail: "still being read" }),
    () => undefined,
  );
  const first = await Promise.race([reading, late]);
  timer.abort();
  return first ?? reading;
}

/**
 * readIntegrity with a memory of each file's answer by (name, size, mtime): a nightly dump is
 * read once, not every tick; files no longer asked about are forgotten.
 */
export function createIntegrityReader(read = readIntegrity, waitMs = READ_WAIT_MS) {
  let known = new Map<string, Promise<Integrity>>();
  return async (
    dir: string,
    files: readonly { name: string; bytes: number; modifiedAt: Date }[],
  ): Promise<Integrity[]> => {
    const next = new Map<string, Promise<Integrity>>();
    const readings = files.map((f) => {
      const key = `${f.name}:${f.bytes}:${f.modifiedAt.getTime()}`;
      const reading = known.get(key) ?? read(join(dir, f.name), f.bytes);
      next.set(key, reading);
      return within(reading, waitMs);
    });
    known = next;
    return Promise.all(readings);
  };
}

export type IntegrityReader = ReturnType<typeof createIntegrityReader>;
