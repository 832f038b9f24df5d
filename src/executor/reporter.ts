import type { Action } from "./actions-store.js";
import type { RunResult } from "./runner.js";

/** How much of a script's output is kept and shown; longer output goes along as a file. */
export const OUTPUT_TAIL_CHARS = 3000;

export interface VerifyResult {
  healthy: boolean;
  waitedMs: number;
  /** Why not healthy, in one line. */
  detail?: string;
  /** The previous good ref, when there is one to roll back to. */
  rollbackRef?: string;
}

/** How the executor tells the chat what happens; the bot implements it. */
export interface ActionReporter {
  progress(action: Action, tail: string, elapsedMs: number): Promise<void>;
  /** `log`: the whole output (size-capped, redacted) when it was longer than the tail. */
  finished(action: Action, result: RunResult, log: Buffer | undefined): Promise<void>;
  verified(action: Action, result: VerifyResult): Promise<void>;
  interrupted(action: Action): Promise<void>;
  /** A request nobody confirmed in time. */
  expired(action: Action): Promise<void>;
}
