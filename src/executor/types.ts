import type { Clock } from "../clock.js";
import type { Pool } from "../db/pool.js";
import type { Logger } from "../log/create-logger.js";
import type { Redactor } from "../log/redact.js";
import type { Action, ActionKind } from "./actions-store.js";
import type { RefProblem } from "./ref.js";
import type { ActionReporter } from "./reporter.js";
import type { ScriptProblem } from "./scripts.js";

export interface ExecutorConfig {
  deployScript?: string;
  rollbackScript?: string;
  approval: "self" | "other";
  confirmTtlMs: number;
  actionTimeoutMs: number;
  progressEditMs: number;
  verifyMs: number;
  /** PATH and HOME for scripts, from the bot's environment (main.ts reads it). */
  scriptEnv: { PATH: string; HOME: string };
}

export interface ExecutorDeps {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  reporter: ActionReporter;
  /** Applied to a script's output before it is stored, shown or attached. */
  redact: Redactor;
  config: ExecutorConfig;
  /** The API's health, for verification after a deploy. */
  apiHealthy: () => Promise<{ healthy: boolean; detail?: string }>;
  sleep: (ms: number) => Promise<void>;
  onOutcome?: (kind: ActionKind, outcome: string) => void;
  /** Lease of a running action; renewed at a third of it. */
  leaseMs?: number;
  /** Between SIGTERM and SIGKILL to a script's group (GRACE_MS). */
  graceMs?: number;
}

export type RequestResult =
  | { ok: true; action: Action }
  | { ok: false; reason: "bad_ref"; problem: RefProblem }
  | ({ ok: false; reason: "not_configured"; kind: ActionKind } & ScriptProblem)
  | { ok: false; reason: "busy"; busy: Action };

export type ConfirmResult =
  | { ok: true; action: Action }
  | {
      ok: false;
      reason: "unknown" | "wrong_message" | "same_operator" | "expired" | "not_pending";
      action?: Action;
    }
  | { ok: false; reason: "busy"; busy: Action };
