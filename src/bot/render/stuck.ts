import type { StuckRuns } from "../../checks/stuck.js";
import { formatDuration } from "../format/duration.js";
import { bold, escapeHtml } from "../format/html.js";
import { renderTable } from "../format/table.js";

export function renderStuck(stuck: StuckRuns, thresholdMinutes: number, now: Date): string {
  const threshold = formatDuration(thresholdMinutes * 60_000);
  if (stuck.total === 0)
    return `✅ No worker or process run has been running longer than ${escapeHtml(threshold)}.`;
  const header = `${bold("Stuck runs")} — ${stuck.total} running longer than ${escapeHtml(threshold)}, oldest first`;
  const rows = [
    ["age", "kind", "id", "name"],
    ...stuck.runs.map((r) => [
      formatDuration(now.getTime() - r.startedAt.getTime()),
      r.kind,
      String(r.id),
      r.name,
    ]),
  ];
  return renderTable(rows, { header, hidden: stuck.total - stuck.runs.length });
}
