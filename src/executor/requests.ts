import {
  audit,
  claim,
  closePending,
  createPending,
  findAction,
  runningAction,
  type ActionKind,
  type Actor,
} from "./actions-store.js";
import { validateRef } from "./ref.js";
import { scriptProblem } from "./scripts.js";
import type { ConfirmResult, ExecutorDeps, RequestResult } from "./types.js";

/** Where a pending action's buttons are: its chat and message. */
export interface ActionMessage {
  chatId: number;
  messageId: number;
}

/** A deploy or rollback as asked for, in a chat (and its topic). */
export interface ActionRequest {
  kind: ActionKind;
  ref: string;
  requester: Actor;
  chatId: number;
  threadId?: number;
}

/** The guarded action before it runs: requested, then confirmed (claimed) or cancelled. */
export function createRequests(deps: ExecutorDeps, leaseMs: number) {
  const { pool, clock, config } = deps;

  async function request(input: ActionRequest): Promise<RequestResult> {
    const ref = validateRef(input.ref);
    if (!ref.ok) return { ok: false, reason: "bad_ref", problem: ref.problem };
    const problem = await scriptProblem(config, input.kind);
    if (problem) return { ok: false, reason: "not_configured", kind: input.kind, ...problem };
    const busy = await runningAction(pool);
    if (busy) return { ok: false, reason: "busy", busy };
    const action = await createPending(
      pool,
      { ...input, ref: ref.ref, ttlMs: config.confirmTtlMs },
      clock.now(),
    );
    return { ok: true, action };
  }

  /**
   * The press on Confirm: checked against its message, expiry and the two-person rule,
   * then claimed. The caller starts it (after saying so, so no report overtakes that).
   */
  async function confirm(id: string, confirmer: Actor, at: ActionMessage): Promise<ConfirmResult> {
    const action = await findAction(pool, id);
    if (!action) return { ok: false, reason: "unknown" };
    if (action.chatId !== at.chatId || action.messageId !== at.messageId) {
      return { ok: false, reason: "wrong_message", action };
    }
    if (action.state !== "pending") return { ok: false, reason: "not_pending", action };
    const now = clock.now();
    if (action.expiresAt <= now) {
      const expired = await closePending(pool, id, "expired", undefined, now);
      return { ok: false, reason: "expired", action: expired ?? action };
    }
    if (config.approval === "other" && confirmer.id === action.requestedBy.id) {
      await audit(
        pool,
        id,
        { event: "confirm_refused", actor: confirmer, detail: { rule: "APPROVAL=other" } },
        now,
      );
      return { ok: false, reason: "same_operator", action };
    }
    const claimed = await claim(pool, id, confirmer, now, leaseMs);
    if (claimed.claimed) return { ok: true, action: claimed.action };
    if (claimed.busy) return { ok: false, reason: "busy", busy: claimed.busy };
    const latest = await findAction(pool, id);
    return {
      ok: false,
      reason: latest?.state === "pending" ? "expired" : "not_pending",
      ...(latest ? { action: latest } : {}),
    };
  }

  /** Cancel: undefined when it is not this message's pending action (or it expired). */
  async function cancel(id: string, actor: Actor, at: ActionMessage) {
    const action = await findAction(pool, id);
    if (!action || action.chatId !== at.chatId || action.messageId !== at.messageId)
      return undefined;
    const now = clock.now();
    if (action.expiresAt <= now) {
      await closePending(pool, id, "expired", undefined, now);
      return undefined;
    }
    return closePending(pool, id, "cancelled", actor, now);
  }

  return { request, confirm, cancel };
}
