import type { Logger } from "../log/create-logger.js";
import { errorMessage } from "../checks/status.js";
import type { Alert, Source } from "./types.js";

/**
 * A source of alerts beside the watcher's own checks, read every tick (the Alertmanager
 * receiver's stored alerts are one). Its alerts enter the pipeline like any other:
 * state, routing, silences, ack, grouping, delivery.
 */
export interface AlertSource {
  source: Source;
  /**
   * Every alert of this source firing now; throws when it cannot tell. Undefined: not read
   * this tick (it reads on a slower schedule of its own), so its alerts stay as they are.
   */
  firing(): Promise<Alert[] | undefined>;
}

export interface SourcesObservation {
  alerts: Alert[];
  /** Sources read this tick; one that failed resolves nothing (unknown is not ok). */
  evaluated: Source[];
}

export async function observeSources(
  sources: readonly AlertSource[],
  logger: Logger,
): Promise<SourcesObservation> {
  const results = await Promise.all(
    sources.map(async (s) => {
      try {
        return { source: s.source, alerts: await s.firing() };
      } catch (error) {
        logger.warn(
          { source: s.source, error: errorMessage(error) },
          "alert source could not be read; its alerts stay as they are",
        );
        return undefined;
      }
    }),
  );
  const read = results.filter(
    (r): r is { source: Source; alerts: Alert[] } => r?.alerts !== undefined,
  );
  return { alerts: read.flatMap((r) => r.alerts), evaluated: read.map((r) => r.source) };
}
