import { Api, InputFile } from "grammy";
import { describe, expect, it } from "vitest";
import { createConsoleFetch } from "../../src/console/console-bot-api.js";
import { createFakeClock } from "../kit/fake-clock.js";

// grammY's own client calls the console fetch here, so the AbortSignal it hands over is
// the one from its Node polyfill, exactly as in `npm start`.
function consoleApi() {
  const calls: string[] = [];
  const fetch = createConsoleFetch(createFakeClock(), (method) => calls.push(method));
  return { api: new Api("1:console", { fetch }), calls };
}

describe("console Bot API transport", () => {
  it("answers calls made with grammY's polyfilled AbortSignal (Node 24+ refuse it in a Request)", async () => {
    const { api, calls } = consoleApi();

    const sent = await api.sendMessage(1, "<b>up</b>", { parse_mode: "HTML" });
    const file = await api.sendDocument(1, new InputFile(Buffer.from("log line\n"), "deploy.log"));

    expect(sent).toMatchObject({ message_id: 1, text: "up", chat: { id: 1 } });
    expect(file).toMatchObject({ message_id: 2, chat: { id: 1 } });
    expect(calls).toEqual(["sendMessage", "sendDocument"]);
  });

  it("does not carry out a call whose signal is already aborted", async () => {
    const { api, calls } = consoleApi();
    const cancelled = new AbortController();
    cancelled.abort();
    // grammY types this parameter with its polyfill's AbortSignal; a native one is accepted.
    const signal = cancelled.signal as unknown as Parameters<Api["sendMessage"]>[3];

    await expect(api.sendMessage(1, "late", undefined, signal)).rejects.toThrow(
      /Network request for 'sendMessage' failed/,
    );
    expect(calls).toEqual([]);
  });
});
