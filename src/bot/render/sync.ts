import type { ConnectorSync } from "../../checks/listings/sync.js";
import { formatAge } from "../format/duration.js";
import { bold } from "../format/html.js";
import { renderTable, shorten } from "../format/table.js";

// A connector on mock data is never shown as plainly ✅: its "ok" says nothing of the service.
const mark = (c: ConnectorSync) =>
  c.failed
    ? "❌"
    : c.stuck
      ? "🧊"
      : c.partial
        ? "⚠️"
        : c.stale
          ? "⏰"
          : c.idle
            ? "➖"
            : c.mock
              ? "🧪"
              : "✅";

const status = (c: ConnectorSync) => {
  const stored = c.stuck ? "running (stuck)" : (c.lastStatus ?? "unknown");
  return c.mock ? `${stored} (mock)` : stored;
};

export function renderSync(connectors: readonly ConnectorSync[], now: Date): string {
  if (connectors.length === 0) return "No connectors found in connector_sync_state.";
  const count = (flag: (c: ConnectorSync) => boolean) => connectors.filter(flag).length;
  const scoped = connectors.some((c) => c.project !== null);
  const mocks = count((c) => c.mock);
  const counts = [
    `${count((c) => c.failed || c.stuck)} failed`,
    ...(scoped ? [`${count((c) => c.partial)} partial`] : []),
    `${count((c) => c.stale)} stale`,
    ...(scoped ? [`${count((c) => c.idle)} idle`] : []),
    ...(mocks > 0 ? [`${mocks} mock`] : []),
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
      status(c),
      formatAge(c.lastSyncedAt, now),
    ]);
    if ((c.failed || c.partial) && c.lastError) rows.push([" ", `↳ ${shorten(c.lastError, 60)}`]);
  }
  const legend = scoped
    ? "❌ failed  🧊 stuck  ⚠️ partial  ⏰ stale  ➖ idle (never synced)"
    : "❌ failed  ⏰ stale";
  const mockLegend = mocks > 0 ? "\n🧪 mock mode: LabPics syncs sample data, not the service" : "";
  return renderTable(rows, { header, footer: legend + mockLegend });
}
