/** What an alert says, in the reader's language: its message from its facts, else its summary. */
import { isAlertKind } from "../../alerts/kinds.js";
import type { AlertFacts } from "../../alerts/types.js";
import type { Placeable, Translator } from "../../i18n/translator.js";
import { escapeHtml, oneLine } from "../format/html.js";

/** Each fact as its message takes it (the conventions of AlertFacts), HTML-escaped. */
function placeable(lang: Translator, name: string, value: string | number | null): Placeable {
  const text = (v: string | number) => escapeHtml(oneLine(v));
  if (name.endsWith("At"))
    return value === null ? lang.t("age-never") : lang.dateTime(new Date(value));
  if (name.endsWith("Bytes") && typeof value === "number") return lang.bytes(value);
  if (name === "project") return value === null ? "" : ` [${text(value)}]`;
  if (name === "error") return value === null || value === "" ? "" : `: ${text(value)}`;
  if (value === null) return "";
  return typeof value === "number" ? value : text(value);
}

/**
 * One alert's text, HTML-escaped, within one line. An alert without facts (Alertmanager's,
 * a row stored before facts), of a kind this version does not know, or whose facts its
 * message cannot be written from shows its summary.
 */
export function alertText(
  lang: Translator,
  alert: { kind: string; summary: string; facts?: AlertFacts | undefined },
): string {
  const { facts } = alert;
  if (facts === undefined || !isAlertKind(alert.kind)) return escapeHtml(oneLine(alert.summary));
  const args: Record<string, Placeable> = { project: "", error: "" };
  for (const [name, value] of Object.entries(facts)) args[name] = placeable(lang, name, value);
  try {
    return oneLine(lang.t(`alert-${alert.kind}`, args));
  } catch {
    // Facts another version wrote, short of what this message takes: the alert still goes out.
    return escapeHtml(oneLine(alert.summary));
  }
}
