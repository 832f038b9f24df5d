import type { Severity } from "../alerts/types.js";
import type { AlertEventKind } from "./alert-events.js";

/** An alert episode an incident's pages carried. */
export interface IncidentAlert {
  fingerprint: string;
  kind: string;
  severity: Severity;
  summary: string;
  firingSince: Date;
  pagedAt: Date;
  resolvedAt: Date | null;
}

export interface Incident {
  /** What /incident N names it by. */
  number: number;
  openedAt: Date;
  /** null: open. */
  closedAt: Date | null;
  /** In the order they were paged. */
  alerts: IncidentAlert[];
}

/** Something that happened to one of the incident's alerts. */
export interface AlertEntry {
  type: "alert";
  at: Date;
  event: AlertEventKind;
  fingerprint: string;
  kind: string;
  /** escalated, page_refused: whom it paged; acked, silenced: by whom. */
  actor?: { id?: number; name?: string };
  /**
   * silenced: until (ISO 8601); escalated: the step's target (oncall, next, group);
   * page_refused: Telegram's error.
   */
  detail?: string;
}

export type ActionStep = "started" | "finished" | "verified" | "interrupted";

/** A step of a deploy or rollback run while the incident was open. */
export interface ActionEntry {
  type: "action";
  at: Date;
  step: ActionStep;
  action: IncidentAction;
  /** finished: succeeded, failed, timed_out, interrupted. */
  outcome?: string;
  /** verified: whether the API was healthy afterwards. */
  healthy?: boolean;
}

export type TimelineEntry = AlertEntry | ActionEntry;

/** A deploy or rollback that ran while the incident was open. */
export interface IncidentAction {
  id: string;
  kind: "deploy" | "rollback";
  ref: string;
  state: string;
  requestedBy: string;
  confirmedBy: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** The incident's durations; null: not (yet) happened. */
export interface Impact {
  /** Opened (its first page) until closed, or until now while open. */
  openMs: number;
  /** Its first page until its first Ack (MTTA's page → Ack). */
  firstAckMs: number | null;
  /** Its first alert firing until its last resolved (MTTR's fire → resolve). */
  resolveMs: number | null;
}

/** An incident as /incident and the postmortem show it, in time order. */
export interface IncidentRecord {
  incident: Incident;
  timeline: TimelineEntry[];
  actions: IncidentAction[];
  impact: Impact;
}
