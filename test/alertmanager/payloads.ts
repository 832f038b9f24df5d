// Alertmanager webhook payloads (version 4) as Alertmanager 0.25 sends them.

export interface AlertSpec {
  /** null: no alertname label at all. */
  alertname?: string | null;
  fingerprint: string;
  status?: "firing" | "resolved";
  severity?: string;
  summary?: string;
  description?: string;
  runbookUrl?: string;
  startsAt?: string;
  endsAt?: string;
}

export const STARTS_AT = "2026-12-01T04:00:00.123456789Z";
/** What Alertmanager sends as endsAt of a firing alert that has no end yet. */
export const NO_END = "0001-01-01T00:00:00Z";

export function webhookAlert(spec: AlertSpec) {
  const status = spec.status ?? "firing";
  const annotations: Record<string, string> = {};
  if (spec.summary !== undefined) annotations.summary = spec.summary;
  if (spec.description !== undefined) annotations.description = spec.description;
  if (spec.runbookUrl !== undefined) annotations.runbook_url = spec.runbookUrl;
  return {
    status,
    labels: {
      ...(spec.alertname !== null ? { alertname: spec.alertname ?? "High5xxRate" } : {}),
      job: "labpics-api",
      ...(spec.severity !== undefined ? { severity: spec.severity } : {}),
    },
    annotations,
    startsAt: spec.startsAt ?? STARTS_AT,
    endsAt: spec.endsAt ?? (status === "resolved" ? "2026-12-01T04:30:00Z" : NO_END),
    generatorURL: "http://prometheus:9090/graph?g0.expr=up",
    fingerprint: spec.fingerprint,
  };
}

export function webhookPayload(alerts: AlertSpec[], extra: Record<string, unknown> = {}) {
  const items = alerts.map(webhookAlert);
  return {
    receiver: "opsbot",
    status: items.some((a) => a.status === "firing") ? "firing" : "resolved",
    alerts: items,
    groupLabels: { alertname: "High5xxRate" },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager:9093",
    version: "4",
    groupKey: '{}:{alertname="High5xxRate"}',
    truncatedAlerts: 0,
    ...extra,
  };
}

/** A 16-digit hexadecimal fingerprint, as Alertmanager makes them, numbered. */
export const fingerprintNo = (n: number) => n.toString(16).padStart(16, "0");
