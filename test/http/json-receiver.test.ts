// The start every POST receiver shares, on a real server: the routes' own tests
// (test/http/webhook, test/alertmanager/receiver, test/sentinel) cover each use of it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJsonReceiver, sendText } from "../../src/http/json-receiver.js";

const SECRET = "receiver-secret-0123456789";

describe("createJsonReceiver", () => {
  const refused: string[] = [];
  let refusal: string | undefined;
  let url: string;
  const receive = createJsonReceiver({
    secret: SECRET,
    presented: (req) => req.headers["x-secret"] as string | undefined,
    maxBytes: 64,
    refusal: () => refusal,
    onRefused: (why) => refused.push(why),
    notJsonText: "that is not JSON",
  });
  const server = createServer((req, res) => {
    void receive(req, res).then((json) => {
      if (json !== undefined) sendText(res, 200, JSON.stringify(json));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = async (body: string, secret: string | null = SECRET) => {
    const res = await fetch(url, {
      method: "POST",
      headers: secret === null ? {} : { "x-secret": secret },
      body,
    });
    return [res.status, await res.text()];
  };

  it("hands over the parsed body of a request with the secret", async () => {
    expect(await post('{"a":[1,2]}')).toEqual([200, '{"a":[1,2]}']);
  });

  it("answers 401 without the secret or with another, and says so", async () => {
    refused.length = 0;
    expect(await post("{}", null)).toEqual([401, "unauthorized"]);
    expect(await post("{}", `${SECRET}x`)).toEqual([401, "unauthorized"]);
    expect(refused).toEqual(["unauthorized", "unauthorized"]);
  });

  it("answers 503 with the refusal while there is one", async () => {
    refusal = "starting";
    try {
      expect(await post("{}")).toEqual([503, "starting"]);
    } finally {
      refusal = undefined;
    }
  });

  it("answers 413 to a body over the cap", async () => {
    expect(await post(JSON.stringify({ pad: "x".repeat(64) }))).toEqual([413, "payload too large"]);
  });

  it("answers 400 with its text to a body that is not JSON, and says so", async () => {
    refused.length = 0;
    expect(await post("{not json")).toEqual([400, "that is not JSON"]);
    expect(refused).toEqual(["not_json"]);
  });
});
