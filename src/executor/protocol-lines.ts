// The lines a deploy script may print to tell the bot what it did (docs/deploys.md,
// "The script contract"): `opsbot: commit <sha> <nonce>` (what it deployed) and
// `opsbot: previous <ref> <nonce>` (what ran before it), where <nonce> is the run's
// OPSBOT_NONCE. Only the script knows the nonce, so a line printed by what it runs (a build
// step, `gh run watch` relaying a workflow annotation) cannot set the rollback target; and
// the first line of each key counts, so nothing printed later can change it.
// Read from the whole output as it streams, not from the tail: a build printing megabytes
// would push an early `previous` line out of any bounded window.
import { randomBytes } from "node:crypto";
import { validateRef } from "./ref.js";

export interface ProtocolFacts {
  commit?: string;
  previous?: string;
}

const LINE = /^opsbot: (commit|previous) (\S+) (\S+)\s*$/;
const SHA = /^[0-9a-f]{7,64}$/;
// A longer line cannot be a protocol line: only its end is kept, to see where it stops.
const MAX_LINE = 256;

/** A fresh secret for one run, given to its script as OPSBOT_NONCE. */
export function protocolNonce(): string {
  return randomBytes(16).toString("hex");
}

export function createProtocolScanner(nonce: string) {
  const facts: ProtocolFacts = {};
  let partial = "";
  let overlong = false;

  const take = (line: string) => {
    const match = LINE.exec(line.replace(/\r$/, ""));
    if (!match || match[3] !== nonce) return;
    const [, key, value] = match as unknown as [string, "commit" | "previous", string];
    if (facts[key] !== undefined) return;
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
