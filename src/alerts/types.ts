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

/**
 * What a watcher alert's message says, as data: the bot writes it in the reader's language
 * (the message `alert-<kind>`). Values are the message's placeables; a key ending in "At"
 * holds an ISO time (null: never), one ending in "Bytes" a size, `case` picks the message's
 * variant; `project` and `error` may be missing. Alertmanager's alerts have none: their
 * summaries are the operator's own words.
 */
export type AlertFacts = Readonly<Record<string, string | number | null>>;

/** A condition that holds now, as the rules see it. */
export interface Alert {
  fingerprint: string;
  kind: AlertKind;
  source: Source;
  /** In English, for logs, change detection, and messages of alerts without facts. */
  summary: string;
  facts?: AlertFacts;
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
  /** Absent in snapshots written before facts existed: the summary is shown. */
  facts?: AlertFacts;
  firingSince: string;
  resolvedAt?: string;
  severity?: Severity;
  runbook?: Runbook;
  /** A flapping message's: its state changes within the hour. */
  stateChanges?: number;
}
