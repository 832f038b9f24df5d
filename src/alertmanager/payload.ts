import { createHash } from "node:crypto";
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
  // Checked alert by alert once the batch is capped: a huge batch is never copied whole.
  alerts: z.array(z.unknown()),
});
const batchAlerts = z.object({ alerts: z.array(webhookAlert) });

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

/** An alert left out of a stored batch, and why. */
export interface Refusal {
  fingerprint: string;
  reason: string;
}

export interface BatchLimits {
  now: Date;
  /** ALERTMANAGER_MAX_ALERTS: the alerts of one batch beyond it are not stored. */
  maxAlerts: number;
}

export type ParsedPayload =
  | {
      ok: true;
      alerts: ReceivedAlert[];
      /** How many the batch held. */
      received: number;
      /** Left out beyond ALERTMANAGER_MAX_ALERTS (resolutions and critical alerts kept first). */
      overBatch: number;
      /** Left out for an absurd time; the rest of the batch is stored. */
      refused: Refusal[];
    }
  | { ok: false; error: string };

const SUMMARY_MAX = 300;
/** An alertname longer than this is cut in the fingerprint (an index entry has a size limit). */
const NAME_MAX = 120;
/** A startsAt this far ahead of opsbot's clock is not clock skew: it would freeze its fingerprint. */
export const MAX_AHEAD_MS = 60 * 60_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * PostgreSQL's text and jsonb take neither NUL nor a lone surrogate: one such label failed
 * its whole batch on every retry. NULs go, a lone surrogate becomes U+FFFD.
 */
const storable = (text: string) => text.replace(/\0/g, "").replace(LONE_SURROGATE, "\uFFFD");

const storableSet = (set: Record<string, string>) =>
  Object.fromEntries(Object.entries(set).map(([k, v]) => [storable(k), storable(v)]));

/** Cut by code points, so no surrogate pair is split. */
const cut = (text: string, max: number) =>
  text.length <= max
    ? text
    : `${Array.from(text)
        .slice(0, max - 1)
        .join("")}…`;

const shorten = (text: string) => cut(text, SUMMARY_MAX);

/**
 * The alertname as a fingerprint holds it: a long one is cut and keeps a hash of the whole,
 * so the key stays distinct and small enough for its index (a 3,000-character alertname
 * overflowed the btree row and failed the batch on every retry).
 */
function nameKey(alertname: string): string {
  if (alertname.length <= NAME_MAX) return alertname;
  const hash = createHash("sha256").update(alertname).digest("hex").slice(0, 12);
  return `${cut(alertname, NAME_MAX - 13)}${hash}`;
}

function endOf(endsAt: string | undefined): Date | null {
  if (endsAt === undefined) return null;
  const at = new Date(endsAt);
  // Go's zero time.Time (year 1) stands for "no end" in Alertmanager's JSON.
  return at.getTime() <= 0 ? null : at;
}

/** Pure: one webhook alert → what is stored, with opsbot's fingerprint, summary and severity. */
export function toReceivedAlert(alert: WebhookAlert): ReceivedAlert {
  const labels = storableSet(alert.labels);
  const annotations = storableSet(alert.annotations);
  const alertname = labels.alertname ?? UNNAMED;
  const summary = annotations.summary?.trim() || annotations.description?.trim() || alertname;
  return {
    fingerprint: `am:${nameKey(alertname)}:${alert.fingerprint}`,
    status: alert.status,
    severity: labels.severity === "critical" ? "critical" : "warning",
    summary: shorten(summary.replace(/\s+/g, " ")),
    labels,
    annotations,
    startsAt: new Date(alert.startsAt),
    endsAt: endOf(alert.endsAt),
    generatorUrl: alert.generatorURL === undefined ? null : storable(alert.generatorURL),
  };
}

/** Resolutions first (they end pages and free room), then critical alerts, then the rest. */
function rankOf(raw: unknown): number {
  const alert = raw as { status?: unknown; labels?: { severity?: unknown } } | null;
  if (alert?.status === "resolved") return 0;
  return alert?.labels?.severity === "critical" ? 1 : 2;
}

/** At most `max` of a batch, the most important first; the rest in the order sent. */
function capBatch(alerts: readonly unknown[], max: number): unknown[] {
  if (alerts.length <= max) return [...alerts];
  const ranks = alerts.map(rankOf);
  return [0, 1, 2].flatMap((rank) => alerts.filter((_, i) => ranks[i] === rank)).slice(0, max);
}

const isAbsurd = (alert: ReceivedAlert, now: Date) =>
  alert.startsAt.getTime() > now.getTime() + MAX_AHEAD_MS;

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

/**
 * The request's JSON → the alerts to store (at most `limits.maxAlerts`, none with an absurd
 * time), or why it is not an Alertmanager webhook payload.
 */
export function parseWebhookPayload(json: unknown, limits: BatchLimits): ParsedPayload {
  const envelope = webhookPayload.safeParse(json);
  const received = envelope.success ? envelope.data.alerts.length : 0;
  const parsed = envelope.success
    ? batchAlerts.safeParse({ alerts: capBatch(envelope.data.alerts, limits.maxAlerts) })
    : envelope;
  if (!parsed.success) {
    return {
      ok: false,
      error: `not an Alertmanager webhook payload (version 4): ${z.prettifyError(parsed.error)}`,
    };
  }
  const alerts = parsed.data.alerts.map(toReceivedAlert);
  const refused = alerts
    .filter((a) => isAbsurd(a, limits.now))
    .map((a) => ({
      fingerprint: a.fingerprint,
      reason: `startsAt ${a.startsAt.toISOString()} is more than an hour ahead of opsbot's clock`,
    }));
  return {
    ok: true,
    alerts: alerts.filter((a) => !isAbsurd(a, limits.now)),
    received,
    overBatch: received - alerts.length,
    refused,
  };
}
