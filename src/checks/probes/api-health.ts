import type { ApiMetrics } from "./api-metrics.js";
import { describeFetchError, readCapped } from "./read-capped.js";
import type { ComponentCheck } from "../status.js";

export interface ApiHealth extends ComponentCheck {
  httpStatus?: number;
  /** The "status" field as the API reported it; undefined = missing (shown as unknown). */
  reported?: string;
  sse?: unknown;
  redis?: unknown;
  /** Every other field, kept and shown: the shape is not guaranteed. */
  other: Record<string, unknown>;
  /** What was received when it could not be understood (cut short). */
  received?: string;
  /** SSE, Redis pub/sub and DB pool figures from the API's /metrics (for /health). */
  metrics?: ApiMetrics;
}

const OK_LIKE = new Set(["ok", "healthy", "up", "pass", "passing", "green", "success"]);
const DEGRADED_LIKE = new Set(["degraded", "warn", "warning", "partial"]);
const RECEIVED_LIMIT = 200;
// A /health answer is a few hundred bytes; anything past this is not one (an SSE stream).
const HEALTH_BODY_LIMIT = 64 * 1024;

export interface ApiCheckOptions {
  url: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * GET the API's /health. Healthy: 2xx within the timeout and `ok: true` (LabPics's API) or
 * an ok-like `status` (the reference shape); anything else is unhealthy.
 */
export async function checkApi(options: ApiCheckOptions): Promise<ApiHealth> {
  const doFetch = options.fetch ?? fetch;
  const started = performance.now();
  let response: Response;
  let body: string;
  try {
    response = await doFetch(options.url, {
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: { accept: "application/json" },
    });
    body = await readCapped(response, HEALTH_BODY_LIMIT);
  } catch (error) {
    return { status: "down", other: {}, error: describeFetchError(error, options.timeoutMs) };
  }
  const latencyMs = Math.round(performance.now() - started);
  const received = body.slice(0, RECEIVED_LIMIT);
  const base = { latencyMs, httpStatus: response.status };

  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const error = response.ok
      ? "answered with something that is not JSON"
      : `HTTP ${response.status}`;
    return { ...base, status: "down", other: {}, error, received };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return {
      ...base,
      status: "down",
      other: {},
      error: "answered JSON that is not an object",
      received,
    };
  }
  const { status, sse, redis, ok, ...other } = json as Record<string, unknown>;
  const reported =
    typeof status === "string" ? status : status === undefined ? undefined : JSON.stringify(status);
  const fields = { ...base, reported, sse, redis, other };
  if (!response.ok)
    return { ...fields, status: "down", error: `HTTP ${response.status}`, received };
  if (ok === true) return { ...fields, status: "ok" };
  if (ok === false) {
    const why = [other.error, other.message].filter((v) => typeof v === "string").join(": ");
    return {
      ...fields,
      status: "down",
      error: `reports ok: false${why ? ` (${why})` : ""}`,
      received,
    };
  }
  const normalised = reported?.toLowerCase();
  if (normalised !== undefined && OK_LIKE.has(normalised)) return { ...fields, status: "ok" };
  if (normalised !== undefined && DEGRADED_LIKE.has(normalised)) {
    return { ...fields, status: "degraded", error: `reports status "${reported}"` };
  }
  const error = reported === undefined ? "reports no status" : `reports status "${reported}"`;
  return { ...fields, status: "down", error, received };
}
