/**
 * Escalation: each page of critical alerts (their first delivered message) starts a chain
 * of ESCALATION steps, each due its delay after the page. A due step is claimed by one
 * replica, checked (an Ack, the resolution or a silence of all its critical alerts ends
 * the chain) and sent to its target: the person on call, the next one, or the group.
 */
import { loadSilences, loadStillFiring } from "../alerts/alert-store.js";
import { currentChatId, findNotification, type OutboxRow } from "../alerts/outbox-store.js";
import type { Destination } from "../alerts/routes.js";
import { severityOf, anyCritical } from "../alerts/severity.js";
import { silenceFor } from "../alerts/silences.js";
import type { NotifiedAlert } from "../alerts/types.js";
import type { Pool } from "../db/pool.js";
import { withTransaction } from "../db/transaction.js";
import { eventsOf, recordAlertEvents } from "../incidents/alert-events.js";
import type { Logger } from "../log/create-logger.js";
import type { OnCallDesk } from "./oncall-desk.js";
import type { Escalation, PageResult, Pager } from "./pager.js";
import type { EscalationStep, EscalationTarget } from "./specs.js";
import {
  cancelChain,
  claimDueSteps,
  deferStep,
  markStepSent,
  pagesWithoutChain,
  startChain,
  type DueStep,
} from "./store.js";

/** What became of a try of a due step (opsbot_escalation_steps_total's outcome). */
export type StepOutcome = "sent" | "refused" | "retried" | "cancelled";

export interface EscalationDeps {
  pool: Pool;
  logger: Logger;
  pager: Pager;
  desk: OnCallDesk;
  steps: readonly EscalationStep[];
  /** OPERATOR_IDS: mentioned by a group step. */
  operators: readonly number[];
  /** Told of each try's outcome (the metrics). */
  onStep?: (target: EscalationTarget, outcome: StepOutcome) => void;
}

// A replica that claimed a step and died frees it after this long.
const CLAIM_MS = 30_000;
// Pages this much older than the last step still get their chain (a restart after an outage).
const LATE_CHAIN_MS = 60 * 60_000;
// A send that failed for now is late by this much at most, and Telegram is not asked every second.
const MAX_RETRY_MS = 30_000;

/** Telegram's retry_after when it gave one, else 1 s, 2 s, 4 s… up to MAX_RETRY_MS. */
export function retryDelayMs(attempts: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return retryAfterSeconds * 1000;
  return Math.min(MAX_RETRY_MS, 1_000 * 2 ** attempts);
}

export function createEscalation(deps: EscalationDeps) {
  const { pool, logger, pager, steps } = deps;
  const told = (step: DueStep, outcome: StepOutcome) => deps.onStep?.(step.target, outcome);
  const lastDelay = Math.max(0, ...steps.map((s) => s.delayMs));

  /** Chains for pages of critical alerts delivered since the last pass. */
  async function startChains(now: Date): Promise<void> {
    const since = new Date(now.getTime() - lastDelay - LATE_CHAIN_MS);
    for (const page of await pagesWithoutChain(pool, since)) {
      if (anyCritical(page.alerts)) await startChain(pool, page, steps);
    }
  }

  /** The page's critical alerts that still fire in that episode, unacked and unsilenced. */
  async function stillPaging(row: OutboxRow, now: Date): Promise<NotifiedAlert[]> {
    const critical = row.alerts.filter((a) => severityOf(a) === "critical");
    const [live, silences] = await Promise.all([
      loadStillFiring(
        pool,
        critical.map((a) => a.fingerprint),
        row.createdAt,
        { acked: false },
      ),
      loadSilences(pool, now),
    ]);
    return critical.filter(
      (a) => live.has(a.fingerprint) && !silenceFor(a.fingerprint, silences, now),
    );
  }

  async function send(step: DueStep, now: Date): Promise<void> {
    const row = await findNotification(pool, step.outboxId);
    const alerts = row ? await stillPaging(row, now) : [];
    if (!row || alerts.length === 0) {
      await cancelChain(pool, step.outboxId, now);
      return told(step, "cancelled");
    }
    const to: Destination = {
      chatId: row.chatId === null ? undefined : await currentChatId(pool, row.chatId),
      ...(row.threadId !== null ? { threadId: row.threadId } : {}),
    };
    const escalation: Escalation = {
      stepId: step.id,
      step: step.step,
      steps: steps.length,
      alerts,
      firstPageAt: step.firstPageAt,
    };
    const onCall = await deps.desk.onCallAt(now);
    const recipient =
      step.target === "group"
        ? undefined
        : step.target === "oncall"
          ? onCall?.person
          : onCall?.next;
    let result: PageResult;
    if (step.target === "group") {
      result = await pager.pageGroup(to, escalation, {
        ...(onCall ? { onCall: onCall.person } : {}),
        operators: deps.operators,
      });
    } else if (recipient === undefined) {
      result = { ok: false, refused: true, error: "no rota (ONCALL_ROTA)" };
    } else {
      result = await pager.page(recipient, escalation);
    }
    // Only someone who took the shift with /oncall take has a name on record.
    const override = onCall?.override;
    const name = override?.userId === recipient ? override?.userName : undefined;
    await settle(step, result, { to, alerts, recipient, name }, now);
  }

  async function settle(
    step: DueStep,
    result: PageResult,
    sent: {
      to: Destination;
      alerts: NotifiedAlert[];
      recipient: number | undefined;
      name: string | undefined;
    },
    now: Date,
  ): Promise<void> {
    const { to, recipient } = sent;
    const who = recipient !== undefined ? { recipient } : {};
    // The record says whom the step paged (none for the group) and which target it was.
    const actor = recipient !== undefined ? { id: recipient, name: sent.name } : undefined;
    if (result.ok) {
      await withTransaction(pool, async (tx) => {
        await markStepSent(tx, step.id, { ...who, ...result }, now);
        await recordAlertEvents(
          tx,
          eventsOf(sent.alerts, "escalated", now, { actor, detail: step.target }),
        );
      });
      return told(step, "sent");
    }
    if (!result.refused) {
      const retryInMs = retryDelayMs(step.attempts, result.retryAfterSeconds);
      logger.warn(
        { step: step.id, target: step.target, recipient, error: result.error, retryInMs },
        "escalation step not delivered; it will be retried",
      );
      await deferStep(pool, step.id, new Date(now.getTime() + retryInMs), result.error);
      return told(step, "retried");
    }
    // Refused for good: recorded, said in the group at once, and the chain goes on.
    logger.warn(
      { step: step.id, target: step.target, recipient, error: result.error },
      "escalation step refused",
    );
    await withTransaction(pool, async (tx) => {
      await markStepSent(tx, step.id, { ...who, error: result.error }, now);
      // "No rota" names nobody: only a person's refused page is an event of the alerts.
      if (actor) {
        await recordAlertEvents(
          tx,
          eventsOf(sent.alerts, "page_refused", now, { actor, detail: result.error }),
        );
      }
    });
    told(step, "refused");
    if (recipient !== undefined) {
      const said = await pager.refused(to, recipient, result.error);
      if (!said.ok)
        logger.warn({ error: said.error }, "could not say in the group that a page was refused");
    }
  }

  return {
    /** One pass: new chains, then every due step (each claimed by one replica only). */
    async run(now: Date): Promise<void> {
      if (steps.length === 0) return;
      await startChains(now);
      for (const step of await claimDueSteps(pool, now, CLAIM_MS)) {
        try {
          await send(step, now);
        } catch (error) {
          const retryInMs = retryDelayMs(step.attempts);
          logger.warn(
            { err: error, step: step.id, retryInMs },
            "escalation step failed; it will be retried",
          );
          // A database that fails this too leaves the claim to lapse (CLAIM_MS).
          await deferStep(pool, step.id, new Date(now.getTime() + retryInMs), String(error)).catch(
            () => undefined,
          );
          told(step, "retried");
        }
      }
    },
  };
}

export type Escalator = ReturnType<typeof createEscalation>;
