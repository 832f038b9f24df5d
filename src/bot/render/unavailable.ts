import { HttpError } from "grammy";
import { SchemaMismatchError } from "../../checks/schema-shape.js";
import { errorMessage } from "../../checks/status.js";
import type { Translator } from "../../i18n/translator.js";
import { escapeHtml } from "../format/html.js";
import { shorten } from "../format/table.js";

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);
const POOL_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout/;

/**
 * Whether a handler failed because PostgreSQL did (not because of a bug). Telegram's
 * network failures come wrapped in grammY's HttpError; the checks catch their own; so a
 * bare socket error reaching a handler comes from the database connection.
 */
export function isDatabaseError(error: unknown): boolean {
  if (error instanceof SchemaMismatchError) return true;
  if (!(error instanceof Error) || error instanceof HttpError) return false;
  const code = (error as { code?: unknown }).code;
  // PostgreSQL's own errors carry a five-character SQLSTATE and a severity.
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && "severity" in error) return true;
  if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
  return POOL_MESSAGES.test(error.message);
}

/** One clear line when a command cannot read the database. */
export function renderDatabaseError(error: unknown, lang: Translator): string {
  // The database answers; it lacks what this command reads.
  if (error instanceof SchemaMismatchError) {
    return lang.t("error-schema", { what: escapeHtml(shorten(error.message, 200)) });
  }
  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  let reason: string;
  if (code === "57014" || /timeout/i.test(message)) reason = lang.t("error-database-timeout");
  else if (code === "42P01")
    reason = lang.t("error-database-missing-table", { detail: shorten(message, 80) });
  else if (code === "ECONNREFUSED" || /ECONNREFUSED|connect/i.test(message))
    reason = lang.t("error-database-unreachable");
  else reason = shorten(message, 120);
  return lang.t("error-database", { reason: escapeHtml(reason) });
}
