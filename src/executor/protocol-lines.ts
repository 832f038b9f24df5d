// The lines a deploy script may print to tell the bot what it did (docs/deploys.md,
// "The script contract"): `opsbot: commit <sha>` (what it deployed) and `opsbot: previous <ref>`
// (what ran before it). Read from the whole output as it streams, not from the tail: a
// build printing megabytes would push an early `previous` line out of any bounded window.
import { validateRef } from "./ref.js";

export interface ProtocolFacts {
  commit?: string;
  previous?: string;
}

const LINE = /^opsbot: (commit|previous) (\S+)\s*$/;
const SHA = /^[0-9a-f]{7,64}$/;
// A longer line cannot be a protocol line: only its end is kept, to see where it stops.
const MAX_LINE = 256;

export function createProtocolScanner() {
  const facts: ProtocolFacts = {};
  let partial = "";
  let overlong = false;

  const take = (line: string) => {
    const match = LINE.exec(line.replace(/\r$/, ""));
    if (!match) return;
    const [, key, value] = match as unknown as [string, "commit" | "previous", string];
    // Only well-formed values are kept: they are stored, shown and passed on as a ref.
    if (key === "commit" ? SHA.test(value) : validateRef(value).ok) facts[key] = value;
  };

  return {
    push: (chunk: Buffer): void => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (!overlong) take(line);
        overlong = false;
      }
      if (partial.length > MAX_LINE) {
        partial = "";
        overlong = true;
      }
    },
    /** What was printed so far (a line without its newline yet counts at the end). */
    facts(): ProtocolFacts {
      if (partial !== "" && !overlong) take(partial);
      return { ...facts };
    },
  };
}
