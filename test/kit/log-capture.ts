import { Writable } from "node:stream";

/** A pino destination that keeps every line, for assertions on what was logged. */
export function captureLogs() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    destination,
    lines,
    text: () => lines.join(""),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
