import { errorMessage } from "../status.js";

/** A body larger than allowed: a streaming endpoint must not grow the bot's memory. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`answered more than ${limitBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** Reads at most `limitBytes` of a fetch response's body as text, then stops reading. */
export async function readCapped(response: Response, limitBytes: number): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Why a fetch of a capped body failed, in words: refused, not found, timed out, too large. */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof BodyTooLargeError) return error.message;
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND") return "host not found";
  return errorMessage(cause ?? error);
}
