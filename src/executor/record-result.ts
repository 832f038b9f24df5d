import { finish, type Action } from "./actions-store.js";
import type { ExecutorDeps } from "./types.js";

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

/**
 * An action's result, written until the database takes it: a transient error must not
 * turn a finished run into an interrupted one. Gives up only when `signal` is aborted
 * (shutdown can wait no longer), rethrowing the last error. The result keeps the moment
 * the script ended, however late it lands.
 */
export async function recordResult(
  action: Action,
  result: Parameters<typeof finish>[2],
  endedAt: Date,
  deps: Pick<ExecutorDeps, "pool" | "logger" | "sleep"> & { signal: AbortSignal },
): Promise<Action | undefined> {
  const abandoned = new Promise<void>((resolve) =>
    deps.signal.addEventListener("abort", () => resolve(), { once: true }),
  );
  for (let attempt = 1; ; attempt++) {
    try {
      return await finish(deps.pool, action.id, result, endedAt);
    } catch (error) {
      if (deps.signal.aborted) throw error;
      deps.logger.warn(
        { err: error, action_id: action.id, attempt },
        "could not record the action's result: retrying",
      );
      const wait = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);
      await Promise.race([deps.sleep(wait), abandoned]);
    }
  }
}
