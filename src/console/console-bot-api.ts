import type { UserFromGetMe } from "grammy/types";
import type { Clock } from "../clock.js";
import { parseParams } from "./bot-api-request.js";
import { createLocalBotApi, getMeResult, type BotApiResponse } from "./local-bot-api.js";

export const CONSOLE_BOT: UserFromGetMe = getMeResult({
  id: 100_000_001,
  first_name: "opsbot",
  username: "opsbot_console_bot",
});

export type CallListener = (
  method: string,
  params: Record<string, unknown>,
  result: unknown,
) => void;

/**
 * A fetch for grammY's client that answers Bot API calls in process, the way Telegram
 * would, and reports each successful call so the terminal can show it.
 */
export function createConsoleFetch(clock: Clock, onCall: CallListener): typeof fetch {
  const api = createLocalBotApi(CONSOLE_BOT, { clock });
  return async (input, init) => {
    // grammY's Node build signals through its own AbortController polyfill, which Node 24+
    // refuses in a Request: the Request only carries the body, the signal is honoured here.
    const { signal, ...requestInit } = init ?? {};
    if (signal?.aborted) throw new DOMException("This operation was aborted", "AbortError");
    const request = new Request(input, { ...requestInit, duplex: "half" });
    const url = new URL(request.url);
    const method = url.pathname.split("/").pop() ?? "";
    const body = Buffer.from(await request.arrayBuffer());
    let response: BotApiResponse;
    try {
      const params = parseParams(
        body,
        request.headers.get("content-type") ?? undefined,
        url.searchParams,
      );
      response = api.call(method, params);
      if (response.ok) onCall(method, params, response.result);
    } catch (error) {
      response = { ok: false, error_code: 400, description: `Bad Request: ${String(error)}` };
    }
    return new Response(JSON.stringify(response), {
      status: response.ok ? 200 : response.error_code,
      headers: { "content-type": "application/json" },
    });
  };
}
