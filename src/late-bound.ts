/**
 * A value handed to its first user before it exists: only for a real cycle in the wiring
 * (see src/wiring.ts). Reading it before it is bound is a wiring bug, and throws.
 */
export interface LateBound<T> {
  get: () => T;
  bind: (value: T) => void;
}

export function lateBound<T>(what: string): LateBound<T> {
  let bound: { value: T } | undefined;
  return {
    get() {
      if (bound === undefined) throw new Error(`${what} is used before it is wired`);
      return bound.value;
    },
    bind(value) {
      if (bound !== undefined) throw new Error(`${what} is wired twice`);
      bound = { value };
    },
  };
}
