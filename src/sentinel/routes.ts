import type { IncomingMessage, ServerResponse } from "node:http";
import { createJsonReceiver, sendText } from "../http/json-receiver.js";
import { bearerToken } from "../http/secret.js";
import type { RouteHandler } from "../http/server.js";
import { heartbeatSchema, type Heartbeat } from "./heartbeat.js";

/** A heartbeat is a few hundred bytes; anything near this is not one. */
export const MAX_HEARTBEAT_BYTES = 16 * 1024;

export interface SentinelRoutesDeps {
  token: string;
  /** Applies a valid heartbeat; resolves once it is kept (the state file written). */
  receive(heartbeat: Heartbeat): Promise<void>;
  /** /healthz's body and whether the sentinel itself is well (it can deliver). */
  health(): { ok: boolean; facts: Record<string, unknown> };
}

/** POST /heartbeat (the bot's, with the bearer token) and GET /healthz. */
export function createSentinelRoutes(deps: SentinelRoutesDeps): Record<string, RouteHandler> {
  const receive = createJsonReceiver({
    secret: deps.token,
    presented: (req) => bearerToken(req.headers.authorization),
    maxBytes: MAX_HEARTBEAT_BYTES,
    notJsonText: "body is not JSON",
  });
  return {
    "POST /heartbeat": async (req: IncomingMessage, res: ServerResponse) => {
      const json = await receive(req, res);
      if (json === undefined) return;
      const heartbeat = parseHeartbeat(json);
      if (typeof heartbeat === "string") return sendText(res, 400, heartbeat);
      await deps.receive(heartbeat);
      sendText(res, 200, "ok");
    },
    "GET /healthz": (_req: IncomingMessage, res: ServerResponse) => {
      const { ok, facts } = deps.health();
      res
        .writeHead(ok ? 200 : 503, { "content-type": "application/json; charset=utf-8" })
        .end(JSON.stringify(facts));
    },
  };
}

/** The heartbeat, or what is wrong with the body (naming fields, never quoting values). */
function parseHeartbeat(json: unknown): Heartbeat | string {
  const parsed = heartbeatSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "body"))];
  return `not a heartbeat: ${fields.join(", ")} missing or invalid`;
}
