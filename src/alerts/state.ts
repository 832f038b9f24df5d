import { silenceFor } from "./silences.js";
import type { Alert, AlertState, Silence, Source } from "./types.js";

export interface AlertStateInput {
  /** Stored alerts that are firing (resolved_at null). */
  open: readonly AlertState[];
  observed: readonly Alert[];
  evaluated: ReadonlySet<Source>;
  silences: readonly Silence[];
  /** Firing alerts someone acknowledged: not repeated until they resolve. */
  acked?: ReadonlySet<string>;
  now: Date;
  repeatMs: number;
  /**
   * Firing alerts no longer watched (PROJECT_IDS changed, a project left out): they end
   * quietly, since a change of scope resolves nothing.
   */
  outOfScope?: (alert: AlertState) => boolean;
}

export interface AlertStateChanges {
  /** New or changed alert rows to store. */
  changed: AlertState[];
  firing: AlertState[];
  repeat: AlertState[];
  /** Announced alerts that cleared: their resolved message to send. */
  resolved: AlertState[];
  /** Episodes that began this tick, announced or not (silenced): the record's "fired". */
  started: AlertState[];
  /** Episodes that ended this tick, announced or not: the record's "resolved". */
  ended: AlertState[];
}

/**
 * Pure: previous state and this tick's observations → new state and notifications, with
 * Alertmanager's rules: announce once, repeat after the interval, resolve only what was
 * announced, leave alone what could not be evaluated, announce nothing new about a
 * silenced alert and repeat no acknowledged one (their resolution is still told).
 */
export function advanceAlertState(input: AlertStateInput): AlertStateChanges {
  const { now } = input;
  const previous = new Map(input.open.map((a) => [a.fingerprint, a]));
  const result: AlertStateChanges = {
    changed: [],
    firing: [],
    repeat: [],
    resolved: [],
    started: [],
    ended: [],
  };

  const seen = new Set<string>();
  for (const alert of input.observed) {
    // One row per fingerprint: a duplicate (two rows the rules could not tell apart) must
    // never fail the tick's single upsert.
    if (seen.has(alert.fingerprint)) continue;
    seen.add(alert.fingerprint);
    const before = previous.get(alert.fingerprint);
    previous.delete(alert.fingerprint);
    let changed =
      before === undefined ||
      before.summary !== alert.summary ||
      // A row stored before alerts carried facts gets them once (its summary says the same).
      (before.facts === undefined && alert.facts !== undefined) ||
      before.severity !== alert.severity ||
      before.runbook?.url !== alert.runbook?.url ||
      before.runbook?.title !== alert.runbook?.title;
    // A storm keeps thousands of alerts firing: an unchanged one is not copied every tick.
    let state: AlertState = !before
      ? { ...alert, firingSince: now, resolvedAt: null, notifiedAt: null, queuedAt: null }
      : changed
        ? refreshed(before, alert)
        : before;

    if (
      state.queuedAt === null &&
      silenceFor(state.fingerprint, input.silences, now) === undefined
    ) {
      if (state.notifiedAt === null) {
        state = { ...state, queuedAt: now };
        result.firing.push(state);
        changed = true;
      } else if (
        now.getTime() - state.notifiedAt.getTime() >= input.repeatMs &&
        !input.acked?.has(state.fingerprint)
      ) {
        state = { ...state, queuedAt: now };
        result.repeat.push(state);
        changed = true;
      }
    }
    if (changed) result.changed.push(state);
    if (!before) result.started.push(state);
  }

  // An escalation or a change of scope ends an alert without a recovery to announce.
  const superseded = new Set(input.observed.flatMap((a) => a.supersedes ?? []));
  for (const gone of previous.values()) {
    const quiet = superseded.has(gone.fingerprint) || input.outOfScope?.(gone);
    // Unknown is not ok: a source that was not evaluated resolves nothing.
    if (!quiet && !input.evaluated.has(gone.source)) continue;
    const state = { ...gone, resolvedAt: now };
    result.changed.push(state);
    result.ended.push(state);
    if (gone.notifiedAt !== null && !quiet) result.resolved.push(state);
  }
  return result;
}

/** The stored episode with what its source says of it now. */
function refreshed(before: AlertState, alert: Alert): AlertState {
  const { severity: _severity, runbook: _runbook, facts: _facts, ...episode } = before;
  return {
    ...episode,
    summary: alert.summary,
    ...(alert.facts !== undefined ? { facts: alert.facts } : {}),
    ...(alert.severity !== undefined ? { severity: alert.severity } : {}),
    ...(alert.runbook !== undefined ? { runbook: alert.runbook } : {}),
  };
}
