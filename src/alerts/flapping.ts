/**
 * Flapping: an alert that changes state (fires, resolves) FLAP_CHANGES times within an hour
 * is marked flapping; its fire/resolve messages are held until it has kept one state for
 * an hour. Pure: the state machine's part of it (state.ts).
 */

/** The window the changes are counted in, and how long a flapping alert must keep one state. */
export const FLAP_WINDOW_MS = 60 * 60_000;

export interface FlapState {
  /** Its latest state changes within the window, oldest first; at most FLAP_CHANGES. */
  stateChanges: readonly Date[];
  /** Since when it is marked flapping; null: it is not. */
  flappingSince: Date | null;
}

export const CALM: FlapState = { stateChanges: [], flappingSince: null };

export const isFlapping = (flap: FlapState | undefined): boolean =>
  flap !== undefined && flap.flappingSince !== null;

/**
 * A state change at `now`. `started`: this change makes it flapping (it was not). With
 * `flapChanges` 0 (FLAP_CHANGES off) nothing is counted.
 */
export function recordChange(
  flap: FlapState | undefined,
  now: Date,
  flapChanges: number,
): { flap: FlapState; started: boolean } {
  if (flapChanges <= 0) return { flap: flap ?? CALM, started: false };
  const windowStart = now.getTime() - FLAP_WINDOW_MS;
  const recent = (flap?.stateChanges ?? []).filter((at) => at.getTime() >= windowStart);
  const stateChanges = [...recent, now].slice(-flapChanges);
  const already = isFlapping(flap);
  const started = !already && stateChanges.length >= flapChanges;
  return {
    flap: {
      stateChanges,
      flappingSince: already ? flap!.flappingSince : started ? now : null,
    },
    started,
  };
}

/** A flapping alert that has kept one state for the whole window: its messages resume. */
export function hasSettled(flap: FlapState | undefined, now: Date): boolean {
  if (!flap || flap.flappingSince === null) return false;
  const last = flap.stateChanges.at(-1) ?? flap.flappingSince;
  return now.getTime() - last.getTime() >= FLAP_WINDOW_MS;
}
