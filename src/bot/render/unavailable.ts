import { errorMessage } from "../../checks/status.js";
import { escapeHtml } from "../format/html.js";
import { shorten } from "../format/table.js";

/** One clear line when a command cannot read the database. */
export function renderDatabaseError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  let reason: string;
  if (code === "57014" || /timeout/i.test(message)) reason = "it did not answer in time";
  else if (code === "42P01") reason = `a table is missing (${shorten(message, 80)})`;
  else if (code === "ECONNREFUSED" || /ECONNREFUSED|connect/i.test(message))
    reason = "it is unreachable";
  else reason = shorten(message, 120);
  return `❌ PostgreSQL unavailable: ${escapeHtml(reason)}. Try /health.`;
}
