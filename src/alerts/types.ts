import type { FlapState } from "./flapping.js";
import type { AlertKind, Severity, Source } from "./kinds.js";

export type { AlertKind, Severity, Source };

/** A link to what to do about one alert (Alertmanager's runbook_url annotation). */
export interface Runbook {
  /** What the link is shown as: the alert's name. */
  title: string;
  /** An http(s) URL. */
  url: string;
}

/** A condition that holds now, as the rules see it. */
export interface Alert {
  fingerprint: string;
  kind: AlertKind;
  source: Source;
  summary: string;
  /** Overrides the kind's default severity (Alertmanager's severity label). */
  severity?: Severity;
  /** The alert's own runbook; none: its kind's (RUNBOOK_URL), if its kind has one. */
  runbook?: Runbook;
  /**
   * The alert this one escalates (job_failed → job_suspended): it ends with this one's
   * arrival, never announced as resolved.
   */
  supersedes?: string;
}

/** An alert's current (or last) episode, as stored. */
export interface AlertState extends Alert {
  firingSince: Date;
  resolvedAt: Date | null;
  /** Last delivered firing/repeat notification of this episode; null: never announced. */
  notifiedAt: Date | null;
  /** A firing/repeat/settled notification waits in the outbox. */
  queuedAt: Date | null;
  /** Its recent state changes and whether it flaps (absent: none counted). */
  flap?: FlapState;
}

export interface Silence {
  /** An exact fingerprint, or a prefix ending in "*". */
  matcher: string;
  /** Later than now: a scheduled maintenance window. */
  startsAt: Date;
  until: Date;
  createdBy: string;
}

/**
 * flapping: alerts just marked flapping (their messages held from now on); settled: once
 * flapping, they kept one state for an hour, given here.
 */
export type NotificationKind = "firing" | "repeat" | "resolved" | "flapping" | "settled";

/** What a notification carries: a snapshot of its alerts when it was queued. */
export interface NotifiedAlert {
  fingerprint: string;
  /** Stored JSON: a kind of another version's, while replicas of two versions run. */
  kind: string;
  summary: string;
  firingSince: string;
  resolvedAt?: string;
  severity?: Severity;
  runbook?: Runbook;
  /** A flapping message's: its state changes within the hour. */
  stateChanges?: number;
}
