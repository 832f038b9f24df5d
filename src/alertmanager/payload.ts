import { z } from "zod";
import type { AlertKind, Runbook } from "../alerts/types.js";

/** The kind of every alert received from Alertmanager. */
export const AM_KIND = "am" satisfies AlertKind;
/** An alert without an alertname label. */
const UNNAMED = "unnamed";

/**
 * Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 * Only what opsbot uses is checked strictly; unknown fields are allowed, as Alertmanager
 * may add some.
 */
const labelSet = z.record(z.string(), z.string());
const timestamp = z.iso.datetime({ offset: true });

const webhookAlert = z.looseObject({
  status: z.enum(["firing", "resolved"]),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  // Alertmanager's hash of the label set: hexadecimal, 16 digits today.
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{1,64}$/, "must be Alertmanager's hexadecimal fingerprint"),
});

const webhookPayload = z.looseObject({
  version: z.literal("4", { error: 'only Alertmanager webhook payload version "4" is taken' }),
  status: z.enum(["firing", "resolved"]),
  alerts: z.array(webhookAlert),
});

export type WebhookAlert = z.infer<typeof webhookAlert>;

/** One alert as opsbot stores it. */
export interface ReceivedAlert {
  /** am:<alertname>:<Alertmanager's fingerprint> */
  fingerprint: string;
  status: "firing" | "resolved";
  severity: "critical" | "warning";
  summary: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  /** null: not given, or Go's zero time (0001-01-01) that older Alertmanagers send. */
  endsAt: Date | null;
  generatorUrl: string | null;
}

export type ParsedPayload = { ok: true; alerts: ReceivedAlert[] } | { ok: false; error: string };

const SUMMARY_MAX = 300;

const shorten = (text: string) =>
  text.length <= SUMMARY_MAX ? text : `${text.slice(0, SUMMARY_MAX - 1)}…`;

function endOf(endsAt: string | undefined): Date | null {
  if (endsAt === undefined) return null;
  const at = new Date(endsAt);
  // Go's zero time.Time (year 1) stands for "no end" in Alertmanager's JSON.
  return at.getTime() <= 0 ? null : at;
}

/** Pure: one webhook alert → what is stored, with opsbot's fingerprint, summary and severity. */
export function toReceivedAlert(alert: WebhookAlert): ReceivedAlert {
  const alertname = alert.labels.alertname ?? UNNAMED;
  const summary =
    alert.annotations.summary?.trim() || alert.annotations.description?.trim() || alertname;
  return {
    fingerprint: `am:${alertname}:${alert.fingerprint}`,
    status: alert.status,
    severity: alert.labels.severity === "critical" ? "critical" : "warning",
    summary: shorten(summary.replace(/\s+/g, " ")),
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: new Date(alert.startsAt),
    endsAt: endOf(alert.endsAt),
    generatorUrl: alert.generatorURL ?? null,
  };
}

/**
 * Pure: an alert's own runbook, from its runbook_url annotation (Prometheus's convention)
 * and alertname label. Only an absolute http(s) URL is taken: anything else (a relative
 * path, javascript:, a typo) is never linked.
 */
export function runbookOf(
  alertname: string | null,
  runbookUrl: string | null,
): Runbook | undefined {
  const url = runbookUrl === null ? null : absoluteUrl(runbookUrl.trim());
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) return undefined;
  return { title: alertname ?? UNNAMED, url: url.href };
}

// Not URL.parse: Node 22.0 lacks it.
function absoluteUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** The request body → the alerts to store, or why it is not an Alertmanager webhook payload. */
export function parseWebhookPayload(body: string): ParsedPayload {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: "malformed JSON" };
  }
  const parsed = webhookPayload.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      error: `not an Alertmanager webhook payload (version 4): ${z.prettifyError(parsed.error)}`,
    };
  }
  return { ok: true, alerts: parsed.data.alerts.map(toReceivedAlert) };
}
