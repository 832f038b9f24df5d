import { ALERT_KINDS, isAlertKind, type Severity } from "./kinds.js";

/** An alert's own severity when it carries one (Alertmanager's label), else its kind's. */
export function severityOf(alert: { kind: string; severity?: Severity | undefined }): Severity {
  if (alert.severity) return alert.severity;
  return isAlertKind(alert.kind) ? ALERT_KINDS[alert.kind].severity : "warning";
}

/** A message with any critical alert makes a sound; one of warnings only is sent quietly. */
export const anyCritical = (alerts: readonly { kind: string; severity?: Severity }[]) =>
  alerts.some((a) => severityOf(a) === "critical");
