import type { Evaluation } from "../alerts/rules.js";
import type { Alert } from "../alerts/types.js";

/**
 * The rules' evaluation with the stored firing Alertmanager alerts added as one more
 * source: what Alertmanager has resolved (no longer among them) resolves here too.
 */
export function withAlertmanager(evaluation: Evaluation, firing: readonly Alert[]): Evaluation {
  return {
    ...evaluation,
    alerts: [...evaluation.alerts, ...firing],
    evaluated: new Set([...evaluation.evaluated, "alertmanager"]),
  };
}
