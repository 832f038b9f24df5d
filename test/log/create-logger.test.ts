import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/create-logger.js";

const TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const PASSWORD = "pa ss/word%";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe("createLogger", () => {
  it("redacts secrets by value at any depth, including error causes and URL-encoded forms", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: "info", secrets: [TOKEN, PASSWORD], destination });
    const inner = new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed`);
    const outer = new Error("call failed", { cause: inner });
    logger.error({ err: outer, url: `postgres://u:${encodeURIComponent(PASSWORD)}@h/db` }, "boom");
    logger.info({ nested: { deeper: [{ token: "x", note: `the token is ${TOKEN}` }] } }, "nested");
    const output = lines.join("");
    expect(output).toContain("boom");
    expect(output).toContain("[REDACTED]");
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(TOKEN.split(":")[1]);
    expect(output).not.toContain(encodeURIComponent(PASSWORD));
  });

  it("keeps ordinary fields intact", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: "info", secrets: [TOKEN], destination });
    logger.info({ chat_id: 42 }, "hello");
    const line = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(line).toMatchObject({ msg: "hello", chat_id: 42, service: "opsbot" });
  });
});
