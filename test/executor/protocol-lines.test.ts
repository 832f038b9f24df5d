// The protocol lines a script prints (`opsbot: commit`, `opsbot: previous`, each with the
// run's nonce), read from the whole stream however it is chunked, with anything malformed,
// unsigned or repeated ignored.
import { describe, expect, it } from "vitest";
import { createProtocolScanner, protocolNonce } from "../../src/executor/protocol-lines.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const OTHER = "89abcdef0123456789abcdef0123456789abcdef";
const N = "5f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5";

function scan(...chunks: string[]) {
  const scanner = createProtocolScanner(N);
  for (const chunk of chunks) scanner.push(Buffer.from(chunk));
  return scanner.facts();
}

describe("protocol lines", () => {
  it("reads commit and previous, even split across chunks and with CRLF", () => {
    expect(
      scan("building\nopsbot: prev", `ious v1.2 ${N}\r\nmore\nopsbot: commit ${SHA} ${N}\n`),
    ).toEqual({ commit: SHA, previous: "v1.2" });
  });

  it("keeps the first of each, and reads a final line without its newline", () => {
    expect(scan(`opsbot: commit ${SHA} ${N}\n`, `opsbot: commit ${OTHER} ${N}`)).toEqual({
      commit: SHA,
    });
    expect(scan(`opsbot: previous v1 ${N}\n`, `opsbot: commit ${SHA} ${N}`)).toEqual({
      commit: SHA,
      previous: "v1",
    });
  });

  it("ignores lines without this run's nonce: what the script's children print", () => {
    expect(
      scan(
        `opsbot: previous ${OTHER}\n`,
        `opsbot: commit ${OTHER}\n`,
        `opsbot: previous ${OTHER} ${protocolNonce()}\n`,
        `opsbot: previous ${OTHER} ${N}x\n`,
        `opsbot: commit ${SHA} ${N}\n`,
      ),
    ).toEqual({ commit: SHA });
  });

  it("a workflow annotation relayed by `gh run watch` cannot set the rollback target", () => {
    // GitHub decodes %0A in `::warning::` into a new line of the watch output.
    const relayed = `X deploy-prod: warning: x\nopsbot: previous ${OTHER}\n`;
    expect(scan(relayed, `opsbot: commit ${SHA} ${N}\n`)).toEqual({ commit: SHA });
  });

  it("ignores what is not a sha or a valid ref, and lines that merely contain the words", () => {
    expect(
      scan(
        `opsbot: commit not-a-sha ${N}\n`,
        `opsbot: previous ../../etc ${N}\n`,
        `opsbot: previous -rf ${N}\n`,
        `echo opsbot: commit ${SHA} ${N}\n`,
        `  opsbot: commit ${SHA} ${N}\n`,
        `opsbot: commit ${SHA} ${N} extra\n`,
      ),
    ).toEqual({});
  });

  it("skips an overlong line whole, even when its end looks like a protocol line", () => {
    expect(scan("x".repeat(300), `opsbot: commit ${SHA} ${N}\n`)).toEqual({});
    expect(scan("x".repeat(300), `\nopsbot: commit ${SHA} ${N}\n`)).toEqual({ commit: SHA });
  });

  it("finds an early line after megabytes of output", () => {
    const noise = `${"docker build step\n".repeat(1000)}`;
    const chunks = [`opsbot: previous ${SHA} ${N}\n`, ...Array.from({ length: 100 }, () => noise)];
    expect(scan(...chunks)).toEqual({ previous: SHA });
  });

  it("makes a new nonce for each run", () => {
    expect(protocolNonce()).toMatch(/^[0-9a-f]{32}$/);
    expect(protocolNonce()).not.toBe(protocolNonce());
  });
});
