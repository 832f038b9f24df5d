/** One status vocabulary for every component line in /health, /healthz and alerts. */
export type ComponentStatus = "ok" | "degraded" | "down" | "not_configured";

export interface ComponentCheck {
  status: ComponentStatus;
  latencyMs?: number;
  /** Why it is not ok, in one line, never containing a secret. */
  error?: string;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}
