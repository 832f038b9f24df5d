import type { Action, ActionState, RollbackTarget } from "../../executor/actions-store.js";
import type { RunResult } from "../../executor/runner.js";
import type { VerifyResult } from "../../executor/reporter.js";
import type { RequestResult } from "../../executor/types.js";
import type { Translator } from "../../i18n/translator.js";
import { bold, code, escapeHtml, lastLines, MESSAGE_LIMIT } from "../format/html.js";
import { renderTable } from "../format/table.js";

type Kind = Action["kind"];

const title = (lang: Translator, a: Pick<Action, "kind" | "ref">) =>
  `${bold(lang.t(`action-kind-${a.kind}`))} ${code(a.ref)}`;
/** The kind within a sentence: "deploy" / "деплой". */
export const kindNoun = (lang: Translator, kind: Kind) => lang.t(`action-noun-${kind}`);
// Room for the header lines around an output block.
const OUTPUT_BUDGET = MESSAGE_LIMIT - 600;

const outputBlock = (tail: string) =>
  tail.trim() === "" ? "" : `\n<pre>${escapeHtml(lastLines(tail.trimEnd(), OUTPUT_BUDGET))}</pre>`;

export function renderPending(
  lang: Translator,
  action: Action,
  approval: "self" | "other",
): string {
  const text = lang.t("action-pending", {
    title: title(lang, action),
    name: escapeHtml(action.requestedBy.name),
    ttl: lang.duration(action.expiresAt.getTime() - action.createdAt.getTime()),
  });
  return approval === "other" ? `${text} ${lang.t("action-two-person")}` : text;
}

/** Why a request was refused before anything was stored (busy: see renderBusy). */
export function renderRefusedRequest(
  lang: Translator,
  refusal: Extract<RequestResult, { reason: "bad_ref" | "not_configured" }>,
): string {
  if (refusal.reason === "bad_ref")
    return lang.t("action-bad-ref", { problem: lang.t(`action-ref-${refusal.problem}`) });
  return lang.t(`action-script-${refusal.problem}`, {
    kind: kindNoun(lang, refusal.kind),
    variable: refusal.variable,
  });
}

export function renderRunning(
  lang: Translator,
  action: Action,
  tail: string,
  elapsedMs: number,
): string {
  const args = { title: title(lang, action), elapsed: lang.duration(elapsedMs) };
  const head = action.confirmedBy
    ? lang.t("action-running-confirmed", { ...args, name: escapeHtml(action.confirmedBy.name) })
    : lang.t("action-running", args);
  return `${head}${outputBlock(tail)}`;
}

/** What the script reported through its protocol lines, on a line of its own. */
function renderReported(lang: Translator, action: Pick<Action, "commit" | "previous">): string {
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
  lang: Translator,
  action: Action,
  result: RunResult,
  logAttached: boolean,
): string {
  // Codes and signal names as strings: identifiers, not quantities.
  const exit =
    result.exitCode !== null
      ? lang.t("action-exit-code", { code: String(result.exitCode) })
      : lang.t("action-exit-signal", { signal: result.signal ?? "?" });
  const head = lang.t("action-finished", {
    outcome: lang.t(`action-outcome-${result.outcome}`),
    title: title(lang, action),
    duration: lang.duration(result.durationMs),
    exit,
  });
  const note = logAttached ? `\n<i>${lang.t("action-log-attached")}</i>` : "";
  return `${head}${renderReported(lang, action)}${outputBlock(result.tail)}${note}`;
}

/** The caption of the attached whole log (plain text). */
export const renderLogCaption = (lang: Translator, action: Action) =>
  lang.t("action-log-caption", { kind: kindNoun(lang, action.kind), ref: action.ref });

export function renderExpired(lang: Translator, action: Action): string {
  return lang.t("action-expired", { title: title(lang, action) });
}

export function renderInterrupted(lang: Translator, action: Action): string {
  return lang.t("action-interrupted", { title: title(lang, action) });
}

export function renderVerify(lang: Translator, action: Action, verdict: VerifyResult): string {
  const args = { title: title(lang, action), waited: lang.duration(verdict.waitedMs) };
  if (verdict.healthy) return lang.t("action-verify-healthy", args);
  const head = verdict.detail
    ? lang.t("action-verify-unhealthy-why", { ...args, detail: escapeHtml(verdict.detail) })
    : lang.t("action-verify-unhealthy", args);
  const offer = verdict.rollbackRef
    ? lang.t("action-verify-offer", { ref: code(verdict.rollbackRef) })
    : lang.t("action-verify-no-target");
  return `${head}\n${offer}`;
}

export function renderBusy(lang: Translator, busy: Action, now: Date): string {
  const args = {
    title: title(lang, busy),
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
export function renderRollbackTarget(lang: Translator, target: RollbackTarget): string {
  if ("before" in target)
    return lang.t("rollback-target-before", { ref: shortSha(target.ref), deploy: target.before });
  return target.ref === target.deployed
    ? target.deployed
    : `${target.deployed} @ ${shortSha(target.ref)}`;
}

const HISTORY_COLUMNS = ["when", "what", "ref", "commit", "result", "took", "by"] as const;
const state = (lang: Translator, value: ActionState) => lang.t(`history-state-${value}`);

export function renderHistory(lang: Translator, actions: readonly Action[], now: Date): string {
  if (actions.length === 0) return lang.t("history-empty");
  const rows = [
    HISTORY_COLUMNS.map((column) => lang.t(`history-col-${column}`)),
    ...actions.map((a) => [
      lang.age(a.createdAt, now),
      kindNoun(lang, a.kind),
      a.ref,
      a.commit?.slice(0, 12) ?? "—",
      state(lang, a.state),
      a.startedAt && a.finishedAt
        ? lang.duration(a.finishedAt.getTime() - a.startedAt.getTime())
        : "—",
      `${a.requestedBy.name}${a.confirmedBy ? ` / ${a.confirmedBy.name}` : ""}`,
    ]),
  ];
  return renderTable(rows, { header: bold(lang.t("history-title")) });
}
