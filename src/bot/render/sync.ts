import type { ConnectorSync } from "../../checks/listings/sync.js";
import { formatAge } from "../format/duration.js";
import { bold } from "../format/html.js";
import { renderTable, shorten } from "../format/table.js";

const mark = (c: ConnectorSync) =>
  c.failed ? "❌" : c.stuck ? "🧊" : c.partial ? "⚠️" : c.stale ? "⏰" : c.idle ? "➖" : "✅";

export function renderSync(connectors: readonly ConnectorSync[], now: Date): string {
  if (connectors.length === 0) return "No connectors found in connector_sync_state.";
  const count = (flag: (c: ConnectorSync) => boolean) => connectors.filter(flag).length;
  const scoped = connectors.some((c) => c.project !== null);
  const counts = [
    `${count((c) => c.failed || c.stuck)} failed`,
    ...(scoped ? [`${count((c) => c.partial)} partial`] : []),
    `${count((c) => c.stale)} stale`,
    ...(scoped ? [`${count((c) => c.idle)} idle`] : []),
    `${connectors.length} total`,
  ];
  const header = `${bold("Connector sync")} — ${counts.join(", ")}`;
  const rows: string[][] = [
    [" ", ...(scoped ? ["project"] : []), "connector", "status", "last sync"],
  ];
  for (const c of connectors) {
    rows.push([
      mark(c),
      ...(scoped ? [c.project ?? ""] : []),
      c.connector,
      c.stuck ? "running (stuck)" : (c.lastStatus ?? "unknown"),
      formatAge(c.lastSyncedAt, now),
    ]);
    if ((c.failed || c.partial) && c.lastError) rows.push([" ", `↳ ${shorten(c.lastError, 60)}`]);
  }
  const legend = scoped
    ? "❌ failed  🧊 stuck  ⚠️ partial  ⏰ stale  ➖ idle (never synced)"
    : "❌ failed  ⏰ stale";
  return renderTable(rows, { header, footer: legend });
}
