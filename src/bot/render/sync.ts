import type { ConnectorSync } from "../../checks/sync.js";
import { formatAge } from "../format/duration.js";
import { bold } from "../format/html.js";
import { renderTable, shorten } from "../format/table.js";

export function renderSync(connectors: readonly ConnectorSync[], now: Date): string {
  if (connectors.length === 0) return "No connectors found in connector_sync_state.";
  const failed = connectors.filter((c) => c.failed).length;
  const stale = connectors.filter((c) => c.stale).length;
  const header = `${bold("Connector sync")} — ${failed} failed, ${stale} stale, ${connectors.length} total`;
  const rows: string[][] = [[" ", "connector", "status", "last sync"]];
  for (const c of connectors) {
    const mark = c.failed ? "❌" : c.stale ? "⏰" : "✅";
    rows.push([mark, c.connector, c.lastStatus ?? "unknown", formatAge(c.lastSyncedAt, now)]);
    if (c.failed && c.lastError) rows.push([" ", `↳ ${shorten(c.lastError, 60)}`]);
  }
  return renderTable(rows, { header, footer: "❌ failed  ⏰ stale" });
}
