import type { Action } from "../../executor/actions-store.js";
import type { RunResult } from "../../executor/runner.js";
import type { VerifyResult } from "../../executor/reporter.js";
import { formatAge, formatDuration } from "../format/duration.js";
import { bold, code, escapeHtml, lastLines, MESSAGE_LIMIT } from "../format/html.js";
import { renderTable } from "../format/table.js";
import { formatUtc } from "../../clock.js";

const title = (a: Pick<Action, "kind" | "ref">) =>
  `${bold(a.kind === "deploy" ? "Deploy" : "Rollback")} ${code(a.ref)}`;
// Room for the header lines around an output block.
const OUTPUT_BUDGET = MESSAGE_LIMIT - 600;

const outputBlock = (tail: string) =>
  tail.trim() === "" ? "" : `\n<pre>${escapeHtml(lastLines(tail.trimEnd(), OUTPUT_BUDGET))}</pre>`;

export function renderPending(action: Action, approval: "self" | "other"): string {
  const ttl = formatDuration(action.expiresAt.getTime() - action.createdAt.getTime());
  const rule = approval === "other" ? " Another operator must confirm (two-person rule)." : "";
  return `🚀 ${title(action)} requested by ${escapeHtml(action.requestedBy.name)}.\nConfirm within ${ttl}.${rule}`;
}

export function renderRunning(action: Action, tail: string, elapsedMs: number): string {
  const by = action.confirmedBy ? ` — confirmed by ${escapeHtml(action.confirmedBy.name)}` : "";
  return `⏳ ${title(action)} running for ${formatDuration(elapsedMs)}${by}${outputBlock(tail)}`;
}

const OUTCOME = {
  succeeded: "✅ succeeded",
  failed: "❌ failed",
  timed_out: "⏱ timed out (process group stopped)",
  interrupted: "⚠️ interrupted",
} as const;

/** What the script reported through its protocol lines, on a line of its own. */
function renderReported(action: Pick<Action, "commit" | "previous">): string {
  const parts = [
    ...(action.commit !== null ? [`commit ${code(action.commit)}`] : []),
    ...(action.previous !== null ? [`previously ${code(action.previous)}`] : []),
  ];
  return parts.length === 0 ? "" : `\n${parts.join(", ")}`;
}

export function renderFinished(action: Action, result: RunResult, logAttached: boolean): string {
  const exit =
    result.exitCode !== null ? `exit ${result.exitCode}` : `signal ${result.signal ?? "?"}`;
  const note = logAttached ? "\n<i>Full log attached.</i>" : "";
  return `${OUTCOME[result.outcome]}: ${title(action)} in ${formatDuration(result.durationMs)} (${exit})${renderReported(action)}${outputBlock(result.tail)}${note}`;
}

export function renderExpired(action: Action): string {
  return `⌛ Expired: ${title(action)} was not confirmed in time.`;
}

export function renderInterrupted(action: Action): string {
  return (
    `⚠️ ${title(action)} was interrupted: the bot stopped while it ran. It was not re-run; ` +
    `check the target before running it again.`
  );
}

export function renderVerify(action: Action, verdict: VerifyResult): string {
  if (verdict.healthy)
    return `💚 API healthy ${formatDuration(verdict.waitedMs)} after ${title(action)}.`;
  const why = verdict.detail ? `: ${escapeHtml(verdict.detail)}` : "";
  const offer = verdict.rollbackRef
    ? `\nRoll back to ${code(verdict.rollbackRef)}?`
    : "\nNo earlier successful deploy is known to roll back to.";
  return `🔴 API not healthy ${formatDuration(verdict.waitedMs)} after ${title(action)}${why}.${offer}`;
}

export function renderBusy(busy: Action, now: Date): string {
  const since = busy.startedAt
    ? ` since ${formatUtc(busy.startedAt)} (${formatAge(busy.startedAt, now)})`
    : "";
  const holder = busy.confirmedBy?.name ?? busy.requestedBy.name;
  return `⛔ Another action is running: ${title(busy)} by ${escapeHtml(holder)}${since}. One at a time.`;
}

export function renderHistory(actions: readonly Action[], now: Date): string {
  if (actions.length === 0) return "No deploys or rollbacks yet.";
  const rows = [
    ["when", "what", "ref", "commit", "result", "took", "by / confirmed"],
    ...actions.map((a) => [
      formatAge(a.createdAt, now),
      a.kind,
      a.ref,
      a.commit?.slice(0, 12) ?? "—",
      a.state,
      a.startedAt && a.finishedAt
        ? formatDuration(a.finishedAt.getTime() - a.startedAt.getTime())
        : "—",
      `${a.requestedBy.name}${a.confirmedBy ? ` / ${a.confirmedBy.name}` : ""}`,
    ]),
  ];
  return renderTable(rows, { header: bold("Recent deploys and rollbacks") });
}
