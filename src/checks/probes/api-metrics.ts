import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describeFetchError, readCapped } from "./read-capped.js";

/** The API's own figures from its Prometheus text; a figure it did not give is undefined. */
export interface ApiMetrics {
  sseConnections?: number;
  pubsubChannels?: number;
  pubsubPublishFailed?: number;
  dbPoolTotal?: number;
  dbPoolIdle?: number;
  dbPoolWaiting?: number;
  /** Why no figures could be read (they are then unknown, not down). */
  error?: string;
}

const FIGURES = {
  sseConnections: "app_sse_connections_total",
  pubsubChannels: "app_redis_pubsub_subscribed_channels",
  pubsubPublishFailed: "app_redis_pubsub_publish_failed_total",
  dbPoolTotal: "app_db_pool_total",
  dbPoolIdle: "app_db_pool_idle",
  dbPoolWaiting: "app_db_pool_waiting",
} as const;

// Prometheus text of an API with many routes and jobs stays far below this.
const METRICS_BODY_LIMIT = 1024 * 1024;

/** Picks the figures /health shows out of Prometheus text (unlabelled samples summed). */
export function readApiMetrics(text: string): ApiMetrics {
  // The parser drops a last line without a newline, and LabPics's API ends without one.
  const complete = text.endsWith("\n") ? text : `${text}\n`;
  const families = new Map(parsePrometheusTextFormat(complete).map((f) => [f.name, f]));
  const figures: ApiMetrics = {};
  for (const [key, name] of Object.entries(FIGURES) as [keyof typeof FIGURES, string][]) {
    const samples = families.get(name)?.metrics ?? [];
    const values = samples.map((m) => Number(m.value)).filter(Number.isFinite);
    if (values.length > 0) figures[key] = values.reduce((a, b) => a + b, 0);
  }
  return figures;
}

export async function checkApiMetrics(options: {
  url: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}): Promise<ApiMetrics> {
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(options.url, {
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: { accept: "text/plain" },
    });
    const text = await readCapped(response, METRICS_BODY_LIMIT);
    if (!response.ok) return { error: `HTTP ${response.status}` };
    return readApiMetrics(text);
  } catch (error) {
    return { error: describeFetchError(error, options.timeoutMs) };
  }
}
