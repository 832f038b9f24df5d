/**
 * Incidents as features see them: the open one or number N, with its timeline and its
 * durations, as plain data. The reads behind it stay private to src/incidents/.
 */
import type { Pool } from "../db/pool.js";
import {
  countIncidentsOpened,
  latestIncident,
  loadActionEntries,
  loadAlertEntries,
  loadIncident,
} from "./incident-read.js";
import type { Impact, IncidentAction, IncidentRecord, TimelineEntry } from "./types.js";

/** /incident without a number: the open incident, or the number of the last closed one. */
export type CurrentIncident =
  { open: IncidentRecord } | { open?: undefined; lastClosed: number | undefined };

export interface IncidentsDesk {
  /** Incident number N with its timeline; undefined when there is none. */
  incident(number: number, now: Date): Promise<IncidentRecord | undefined>;
  current(now: Date): Promise<CurrentIncident>;
  /** How many incidents were opened from `from` (inclusive) to `to` (exclusive). */
  countOpened(window: { from: Date; to: Date }): Promise<number>;
}

export function createIncidentsDesk(pool: Pool): IncidentsDesk {
  async function incident(number: number, now: Date): Promise<IncidentRecord | undefined> {
    const found = await loadIncident(pool, number);
    if (!found) return undefined;
    const window = { from: found.openedAt, to: found.closedAt ?? now };
    const [alertEntries, actionEntries] = await Promise.all([
      loadAlertEntries(pool, number),
      loadActionEntries(pool, window),
    ]);
    const timeline = mergeByTime(alertEntries, actionEntries);
    return {
      incident: found,
      timeline,
      actions: actionsOf(timeline),
      impact: impactOf(found, timeline, now),
    };
  }

  return {
    incident,
    async current(now) {
      const latest = await latestIncident(pool);
      if (latest?.open) {
        const open = await incident(latest.number, now);
        if (open) return { open };
      }
      return { lastClosed: latest?.number };
    },
    countOpened: (window) => countIncidentsOpened(pool, window),
  };
}

/** Two lists each in time order, merged; at the same time, the alert's event first. */
function mergeByTime<A extends TimelineEntry, B extends TimelineEntry>(
  a: readonly A[],
  b: readonly B[],
): TimelineEntry[] {
  const merged: TimelineEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]!.at <= b[j]!.at) ? a[i++]! : b[j++]!;
    merged.push(next);
  }
  return merged;
}

/** Each deploy or rollback once, in the order it first appears. */
function actionsOf(timeline: readonly TimelineEntry[]): IncidentAction[] {
  const seen = new Map<string, IncidentAction>();
  for (const entry of timeline) {
    if (entry.type === "action" && !seen.has(entry.action.id)) {
      seen.set(entry.action.id, entry.action);
    }
  }
  return [...seen.values()];
}

function impactOf(
  incident: IncidentRecord["incident"],
  timeline: readonly TimelineEntry[],
  now: Date,
): Impact {
  const opened = incident.openedAt.getTime();
  const firstAck = timeline.find((e) => e.type === "alert" && e.event === "acked");
  const firstFired = Math.min(opened, ...incident.alerts.map((a) => a.firingSince.getTime()));
  return {
    openMs: (incident.closedAt ?? now).getTime() - opened,
    firstAckMs: firstAck ? firstAck.at.getTime() - opened : null,
    resolveMs: incident.closedAt ? incident.closedAt.getTime() - firstFired : null,
  };
}
