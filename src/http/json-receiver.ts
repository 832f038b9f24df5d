import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLarge, readBody } from "./read-body.js";
import { secretMatcher } from "./secret.js";

export interface JsonReceiverOptions {
  /** The secret every request must present, checked in constant time (else 401). */
  secret: string;
  /** Where a request presents it: a header, or the bearer token of Authorization. */
  presented(req: IncomingMessage): string | undefined;
  /** The largest body read (else 413, without reading the rest). */
  maxBytes: number;
  /** Why requests are refused now (503, so the sender retries); undefined while taking them. */
  refusal?(): string | undefined;
  /** Told of a request refused for its secret (401) or for a body that is not JSON (400). */
  onRefused?(why: "unauthorized" | "not_json"): void;
  /** The 400's text for a body that is not JSON. */
  notJsonText?: string;
}

export const sendText = (res: ServerResponse, status: number, body = "") => {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
};

/**
 * The start every POST receiver shares (the Telegram webhook, /alertmanager, the sentinel's
 * /heartbeat): the secret, the refusal, a capped body, JSON. Resolves to the parsed body,
 * or to undefined once it has answered the request itself (JSON never parses to undefined).
 */
export function createJsonReceiver(options: JsonReceiverOptions) {
  const isSecret = secretMatcher(options.secret);
  return async (req: IncomingMessage, res: ServerResponse): Promise<unknown> => {
    if (!isSecret(options.presented(req))) {
      options.onRefused?.("unauthorized");
      return sendText(res, 401, "unauthorized");
    }
    const refusal = options.refusal?.();
    if (refusal !== undefined) return sendText(res, 503, refusal);

    let body: Buffer;
    try {
      body = await readBody(req, options.maxBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      res.setHeader("connection", "close");
      return sendText(res, 413, "payload too large");
    }
    try {
      return JSON.parse(body.toString("utf8")) as unknown;
    } catch {
      options.onRefused?.("not_json");
      return sendText(res, 400, options.notJsonText ?? "malformed JSON");
    }
  };
}
