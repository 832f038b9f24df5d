import type { Action, ActionState, RollbackTarget } from "../../executor/actions-store.js";
import type { RunResult } from "../../executor/runner.js";
import type { VerifyResult } from "../../executor/reporter.js";
import type { RequestResult } from "../../executor/types.js";
import type { Translator } from "../../i18n/translator.js";
import { bold, code, escapeHtml, lastLines, MESSAGE_LIMIT } from "../format/html.js";
import { renderTable } from "../format/table.js";

type Kind = Action["kind"];

const title = (a: Pick<Action, "kind" | "ref">, lang: Translator) =>
  `${bold(lang.t(`action-kind-${a.kind}`))} ${code(a.ref)}`;
/** The kind within a sentence: "deploy" / "деплой". */
export const kindNoun = (kind: Kind, lang: Translator) => lang.t(`action-noun-${kind}`);
// Room for the header lines around an output block.
const OUTPUT_BUDGET = MESSAGE_LIMIT - 600;

const outputBlock = (tail: string) =>
  tail.trim() === "" ? "" : `\n<pre>${escapeHtml(lastLines(tail.trimEnd(), OUTPUT_BUDGET))}</pre>`;

export function renderPending(
  action: Action,
  approval: "self" | "other",
  lang: Translator,
): string {
  const text = lang.t("action-pending", {
    title: title(action, lang),
    name: escapeHtml(action.requestedBy.name),
    ttl: lang.duration(action.expiresAt.getTime() - action.createdAt.getTime()),
  });
  return approval === "other" ? `${text} ${lang.t("action-two-person")}` : text;
}

/** Why a request was refused before anything was stored (busy: see renderBusy). */
export function renderRefusedRequest(
  refusal: Extract<RequestResult, { reason: "bad_ref" | "not_configured" }>,
  lang: Translator,
): string {
  if (refusal.reason === "bad_ref")
    return lang.t("action-bad-ref", { problem: lang.t(`action-ref-${refusal.problem}`) });
  return lang.t(`action-script-${refusal.problem}`, {
    kind: kindNoun(refusal.kind, lang),
    variable: refusal.variable,
  });
}

export function renderRunning(
  action: Action,
  tail: string,
  elapsedMs: number,
  lang: Translator,
): string {
  const args = { title: title(action, lang), elapsed: lang.duration(elapsedMs) };
  const head = action.confirmedBy
    ? lang.t("action-running-confirmed", { ...args, name: escapeHtml(action.confirmedBy.name) })
    : lang.t("action-running", args);
  return `${head}${outputBlock(tail)}`;
}

/** What the script reported through its protocol lines, on a line of its own. */
function renderReported(action: Pick<Action, "commit" | "previous">, lang: Translator): string {
  const parts = [
    ...(action.commit !== null
      ? [lang.t("action-reported-commit", { commit: code(action.commit) })]
      : []),
    ...(action.previous !== null
      ? [lang.t("action-reported-previous", { previous: code(action.previous) })]
      : []),
  ];
  return parts.length === 0 ? "" : `\n${parts.join(", ")}`;
}

export function renderFinished(
  action: Action,
  result: RunResult,
  logAttached: boolean,
  lang: Translator,
): string {
  // Codes and signal names as strings: identifiers, not quantities.
  const exit =
    result.exitCode !== null
      ? lang.t("action-exit-code", { code: String(result.exitCode) })
      : lang.t("action-exit-signal", { signal: result.signal ?? "?" });
  const head = lang.t("action-finished", {
    outcome: lang.t(`action-outcome-${result.outcome}`),
    title: title(action, lang),
    duration: lang.duration(result.durationMs),
    exit,
  });
  const note = logAttached ? `\n<i>${lang.t("action-log-attached")}</i>` : "";
  return `${head}${renderReported(action, lang)}${outputBlock(result.tail)}${note}`;
}

/** The caption of the attached whole log (plain text). */
export const renderLogCaption = (action: Action, lang: Translator) =>
  lang.t("action-log-caption", { kind: kindNoun(action.kind, lang), ref: action.ref });

export function renderExpired(action: Action, lang: Translator): string {
  return lang.t("action-expired", { title: title(action, lang) });
}

export function renderInterrupted(action: Action, lang: Translator): string {
  return lang.t("action-interrupted", { title: title(action, lang) });
}

export function renderVerify(action: Action, verdict: VerifyResult, lang: Translator): string {
  const args = { title: title(action, lang), waited: lang.duration(verdict.waitedMs) };
  if (verdict.healthy) return lang.t("action-verify-healthy", args);
  const head = verdict.detail
    ? lang.t("action-verify-unhealthy-why", { ...args, detail: escapeHtml(verdict.detail) })
    : lang.t("action-verify-unhealthy", args);
  const offer = verdict.rollbackRef
    ? lang.t("action-verify-offer", { ref: code(verdict.rollbackRef) })
    : lang.t("action-verify-no-target");
  return `${head}\n${offer}`;
}

export function renderBusy(busy: Action, now: Date, lang: Translator): string {
  const args = {
    title: title(busy, lang),
    name: escapeHtml(busy.confirmedBy?.name ?? busy.requestedBy.name),
  };
  if (!busy.startedAt) return lang.t("action-busy", args);
  return lang.t("action-busy-since", {
    ...args,
    since: lang.dateTime(busy.startedAt),
    age: lang.age(busy.startedAt, now),
  });
}

const shortSha = (ref: string) => (/^[0-9a-f]{13,}$/.test(ref) ? ref.slice(0, 12) : ref);

/** A /rollback button's text (plain): "v1.2 @ 0123456789ab", "0123456789ab (before v1.3)". */
export function renderRollbackTarget(target: RollbackTarget, lang: Translator): string {
  if ("before" in target)
    return lang.t("rollback-target-before", { ref: shortSha(target.ref), deploy: target.before });
  return target.ref === target.deployed
    ? target.deployed
    : `${target.deployed} @ ${shortSha(target.ref)}`;
}

const HISTORY_COLUMNS = ["when", "what", "ref", "commit", "result", "took", "by"] as const;
const state = (value: ActionState, lang: Translator) => lang.t(`history-state-${value}`);

export function renderHistory(actions: readonly Action[], now: Date, lang: Translator): string {
  if (actions.length === 0) return lang.t("history-empty");
  const rows = [
    HISTORY_COLUMNS.map((column) => lang.t(`history-col-${column}`)),
    ...actions.map((a) => [
      lang.age(a.createdAt, now),
      kindNoun(a.kind, lang),
      a.ref,
      a.commit?.slice(0, 12) ?? "—",
      state(a.state, lang),
      a.startedAt && a.finishedAt
        ? lang.duration(a.finishedAt.getTime() - a.startedAt.getTime())
        : "—",
      `${a.requestedBy.name}${a.confirmedBy ? ` / ${a.confirmedBy.name}` : ""}`,
    ]),
  ];
  return renderTable(rows, { header: bold(lang.t("history-title")), lang });
}
