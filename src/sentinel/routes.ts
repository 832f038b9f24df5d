import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLarge, readBody } from "../http/read-body.js";
import { bearerToken, secretMatcher } from "../http/secret.js";
import type { Route } from "../http/server.js";
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

const send = (res: ServerResponse, status: number, body: string, type = "text/plain") => {
  res.writeHead(status, { "content-type": `${type}; charset=utf-8` }).end(body);
};

/** POST /heartbeat (the bot's, with the bearer token) and GET /healthz. */
export function createSentinelRoutes(deps: SentinelRoutesDeps): Record<string, Route> {
  const isToken = secretMatcher(deps.token);
  return {
    "POST /heartbeat": async (req: IncomingMessage, res: ServerResponse) => {
      if (!isToken(bearerToken(req.headers.authorization))) return send(res, 401, "unauthorized");
      let body: Buffer;
      try {
        body = await readBody(req, MAX_HEARTBEAT_BYTES);
      } catch (error) {
        if (!(error instanceof BodyTooLarge)) throw error;
        res.setHeader("connection", "close");
        return send(res, 413, "payload too large");
      }
      const heartbeat = parseHeartbeat(body.toString("utf8"));
      if (typeof heartbeat === "string") return send(res, 400, heartbeat);
      await deps.receive(heartbeat);
      send(res, 200, "ok");
    },
    "GET /healthz": (_req: IncomingMessage, res: ServerResponse) => {
      const { ok, facts } = deps.health();
      send(res, ok ? 200 : 503, JSON.stringify(facts), "application/json");
    },
  };
}

/** The heartbeat, or what is wrong with the body (naming fields, never quoting values). */
function parseHeartbeat(text: string): Heartbeat | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "body is not JSON";
  }
  const parsed = heartbeatSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "body"))];
  return `not a heartbeat: ${fields.join(", ")} missing or invalid`;
}
