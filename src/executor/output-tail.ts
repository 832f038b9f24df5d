// Where a child's output goes: a bounded in-memory tail (for progress edits and the final
// message) and an optional size-capped log file (attached when the output outgrew a message).
// Both hold a fixed amount however much the child prints.
import { createWriteStream } from "node:fs";

export interface OutputTail {
  /** Child output: counted in totalBytes. */
  push(chunk: Buffer): void;
  /** The runner's own line (timeout, stop, spawn error): shown, not counted. */
  note(text: string): void;
  text(): string;
  totalBytes(): number;
}

export function createOutputTail(capBytes: number): OutputTail {
  const cap = Math.max(0, Math.floor(capBytes));
  let chunks: Buffer[] = [];
  let held = 0;
  let total = 0;
  let dropped = false;

  // Concatenate and keep the last `cap` bytes as a fresh copy, so no large buffer stays
  // referenced through a slice. Runs only once more than 2 × cap is held.
  const compact = () => {
    const all = Buffer.concat(chunks, held);
    const keep = Math.min(cap, held);
    chunks = keep > 0 ? [Buffer.from(all.subarray(held - keep))] : [];
    dropped ||= keep < held;
    held = keep;
  };

  const append = (chunk: Buffer) => {
    chunks.push(chunk);
    held += chunk.length;
    if (held > 2 * cap) compact();
  };

  return {
    push(chunk) {
      total += chunk.length;
      append(chunk);
    },
    note(text) {
      append(Buffer.from(`\n${text}\n`));
    },
    text() {
      if (held > cap) compact();
      return decodeTail(Buffer.concat(chunks, held), dropped);
    },
    totalBytes: () => total,
  };
}

const isContinuation = (byte: number) => (byte & 0xc0) === 0x80;

/** Length of the UTF-8 sequence a lead byte starts (1 for anything else). */
function sequenceLength(byte: number): number {
  if ((byte & 0xe0) === 0xc0) return 2;
  if ((byte & 0xf0) === 0xe0) return 3;
  if ((byte & 0xf8) === 0xf0) return 4;
  return 1;
}

/**
 * UTF-8 text of a tail: a character cut by the window at the start is dropped, and so is
 * one not yet complete at the end (the child may be mid-write when progress is shown).
 */
export function decodeTail(bytes: Buffer, cutAtStart: boolean): string {
  let start = 0;
  if (cutAtStart) {
    while (start < 3 && start < bytes.length && isContinuation(bytes[start]!)) start++;
  }
  let end = bytes.length;
  let lead = end - 1;
  while (lead > start && lead > end - 4 && isContinuation(bytes[lead]!)) lead--;
  if (lead >= start && lead < end && lead + sequenceLength(bytes[lead]!) > end) end = lead;
  return bytes.toString("utf8", start, end);
}

export interface CappedLog {
  write(chunk: Buffer): void;
  /** The runner's own line; written unless the log is already truncated. */
  note(text: string): void;
  truncated(): boolean;
  /** Flushes and closes the file; never rejects. */
  close(): Promise<void>;
}

/**
 * A log file that stops at `capBytes`: past it one line "[log truncated at N bytes]" is
 * appended once and nothing more is written. A file that cannot be written is reported
 * through `onError` once and otherwise ignored: the run matters more than its log.
 */
export function createCappedLog(
  path: string,
  capBytes: number,
  onError: (error: Error) => void,
): CappedLog {
  // Created, never opened if it exists: a planted file or symlink fails the log, not the run.
  const stream = createWriteStream(path, { flags: "wx", mode: 0o600 });
  let written = 0;
  let lastByte = 0x0a;
  let truncated = false;
  let failed = false;
  stream.on("error", (error) => {
    if (!failed) onError(error);
    failed = true;
  });

  const put = (bytes: Buffer) => {
    if (bytes.length === 0 || failed) return;
    stream.write(bytes);
    written += bytes.length;
    lastByte = bytes[bytes.length - 1]!;
  };

  return {
    write(chunk) {
      if (truncated) return;
      const room = capBytes - written;
      if (chunk.length <= room) return put(chunk);
      put(chunk.subarray(0, Math.max(0, room)));
      truncated = true;
      const newline = lastByte === 0x0a ? "" : "\n";
      if (!failed) stream.write(`${newline}[log truncated at ${capBytes} bytes]\n`);
    },
    note(text) {
      if (truncated || failed) return;
      const newline = lastByte === 0x0a ? "" : "\n";
      stream.write(`${newline}${text}\n`);
      lastByte = 0x0a;
    },
    truncated: () => truncated,
    close: () =>
      new Promise<void>((resolve) => {
        if (stream.closed) return resolve();
        stream.once("close", () => resolve());
        stream.end();
      }),
  };
}
