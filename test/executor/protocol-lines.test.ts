// The protocol lines a script prints (`opsbot: commit`, `opsbot: previous`), read from the
// whole stream however it is chunked, with anything malformed ignored.
import { describe, expect, it } from "vitest";
import { createProtocolScanner } from "../../src/executor/protocol-lines.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

function scan(...chunks: string[]) {
  const scanner = createProtocolScanner();
  for (const chunk of chunks) scanner.push(Buffer.from(chunk));
  return scanner.facts();
}

describe("protocol lines", () => {
  it("reads commit and previous, even split across chunks and with CRLF", () => {
    expect(scan("building\nopsbot: prev", `ious v1.2\r\nmore\nopsbot: commit ${SHA}\n`)).toEqual({
      commit: SHA,
      previous: "v1.2",
    });
  });

  it("keeps the last of each, and reads a final line without its newline", () => {
    expect(scan("opsbot: commit abcdef1\n", `opsbot: commit ${SHA}`)).toEqual({ commit: SHA });
  });

  it("ignores what is not a sha or a valid ref, and lines that merely contain the words", () => {
    expect(
      scan(
        "opsbot: commit not-a-sha\n",
        "opsbot: previous ../../etc\n",
        "opsbot: previous -rf\n",
        `echo opsbot: commit ${SHA}\n`,
        `opsbot: commit ${SHA} extra\n`,
      ),
    ).toEqual({});
  });

  it("skips an overlong line whole, even when its end looks like a protocol line", () => {
    expect(scan("x".repeat(300), `opsbot: commit ${SHA}\n`)).toEqual({});
    expect(scan("x".repeat(300), `\nopsbot: commit ${SHA}\n`)).toEqual({ commit: SHA });
  });

  it("finds an early line after megabytes of output", () => {
    const noise = `${"docker build step\n".repeat(1000)}`;
    const chunks = [`opsbot: previous ${SHA}\n`, ...Array.from({ length: 100 }, () => noise)];
    expect(scan(...chunks)).toEqual({ previous: SHA });
  });
});
