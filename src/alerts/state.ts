import { CALM, hasSettled, isFlapping, recordChange } from "./flapping.js";
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
  /** FLAP_CHANGES: state changes within an hour that mark an alert flapping; 0 or none: off. */
  flapChanges?: number;
  /**
   * The last, resolved, episode of alerts not firing before this tick, by fingerprint: of
   * those observed again (their state changes go on counting) and of those flapping.
   */
  lastEpisodes?: ReadonlyMap<string, AlertState>;
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
  /** Just marked flapping: one message says so, instead of this change's own. */
  flapping: AlertState[];
  /** Flapping alerts that kept one state for an hour: one message gives it. */
  settled: AlertState[];
}

/**
 * Pure: previous state and this tick's observations → new state and notifications, with
 * Alertmanager's rules: announce once, repeat after the interval, resolve only what was
 * announced, leave alone what could not be evaluated, announce nothing new about a
 * silenced alert and repeat no acknowledged one (their resolution is still told). A
 * flapping alert's fire/resolve messages are held until it settles (flapping.ts).
 */
export function advanceAlertState(input: AlertStateInput): AlertStateChanges {
  const { now } = input;
  const previous = new Map(input.open.map((a) => [a.fingerprint, a]));
  const flapChanges = input.flapChanges ?? 0;
  const result: AlertStateChanges = {
    changed: [],
    firing: [],
    repeat: [],
    resolved: [],
    started: [],
    ended: [],
    flapping: [],
    settled: [],
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
      ? fired(alert, input.lastEpisodes?.get(alert.fingerprint), now, flapChanges, result)
      : changed
        ? refreshed(before, alert)
        : before;
    const silenced = silenceFor(state.fingerprint, input.silences, now) !== undefined;

    if (isFlapping(state.flap)) {
      // Held; once it has fired for the whole window, it is told as firing.
      if (hasSettled(state.flap, now)) {
        state = { ...state, flap: CALM };
        changed = true;
        if (!silenced && state.queuedAt === null) {
          state = { ...state, queuedAt: now };
          result.settled.push(state);
        }
      }
    } else if (state.queuedAt === null && !silenced) {
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
    if (quiet) {
      const state = { ...gone, resolvedAt: now };
      result.changed.push(state);
      result.ended.push(state);
      continue;
    }
    const change = recordChange(gone.flap, now, flapChanges);
    const state = { ...gone, resolvedAt: now, flap: change.flap };
    result.changed.push(state);
    result.ended.push(state);
    if (change.started) result.flapping.push(state);
    else if (gone.notifiedAt !== null && !isFlapping(gone.flap)) result.resolved.push(state);
  }

  // Flapping alerts that stayed resolved for the whole window: told as resolved.
  for (const last of input.lastEpisodes?.values() ?? []) {
    if (seen.has(last.fingerprint) || !hasSettled(last.flap, now)) continue;
    const state = { ...last, flap: CALM };
    result.changed.push(state);
    if (silenceFor(state.fingerprint, input.silences, now) === undefined) {
      result.settled.push(state);
    }
  }
  return result;
}

/** A new episode: one more state change of its fingerprint, which may make it flapping. */
function fired(
  alert: Alert,
  last: AlertState | undefined,
  now: Date,
  flapChanges: number,
  result: AlertStateChanges,
): AlertState {
  const change = recordChange(last?.flap, now, flapChanges);
  const state = {
    ...alert,
    firingSince: now,
    resolvedAt: null,
    notifiedAt: null,
    queuedAt: null,
    flap: change.flap,
  };
  if (change.started) result.flapping.push(state);
  return state;
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
