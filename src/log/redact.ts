/**
 * Redaction by value: the token also hides inside Bot API URLs and nested error
 * causes, where path-based redaction cannot see it.
 */
export type Redactor = (text: string) => string;

export const REDACTED = "[REDACTED]";

export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    needles.add(secret);
    needles.add(encodeURIComponent(secret));
    // Inside JSON a secret may appear with escaped characters.
    needles.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first so a URL containing a password is replaced whole.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  const pattern = new RegExp(ordered.map(escapeRegExp).join("|"), "g");
  return (text) => text.replace(pattern, REDACTED);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
