/** Where notifications go: a chat, and a forum topic in it. No chat: only logged. */
export interface Destination {
  chatId: number | undefined;
  threadId?: number | undefined;
}

/** One ALERT_ROUTES entry: a kind, or a fingerprint prefix ending in "*". */
export interface AlertRoute {
  pattern: string;
  destination: Destination;
}

export function routeMatches(pattern: string, alert: { fingerprint: string; kind: string }) {
  return pattern.endsWith("*")
    ? alert.fingerprint.startsWith(pattern.slice(0, -1))
    : pattern === alert.kind;
}

export interface Routing {
  routes: readonly AlertRoute[];
  /** ALERT_CHAT_ID / ALERT_THREAD_ID: what no route claims. */
  fallback: Destination;
}

/** The first route that matches wins; the rest go to the fallback. */
export function destinationOf(
  alert: { fingerprint: string; kind: string },
  routing: Routing,
): Destination {
  return (
    routing.routes.find((r) => routeMatches(r.pattern, alert))?.destination ?? routing.fallback
  );
}

/** A stable key per destination ("-100123:7", "-100123", "log"). */
export function destinationKey(to: Destination): string {
  if (to.chatId === undefined) return "log";
  return to.threadId === undefined ? String(to.chatId) : `${to.chatId}:${to.threadId}`;
}

/** Alerts grouped by where they go, in one pass over any number of them. */
export function groupByDestination<T extends { fingerprint: string; kind: string }>(
  alerts: readonly T[],
  routing: Routing,
): { destination: Destination; alerts: T[] }[] {
  const groups = new Map<string, { destination: Destination; alerts: T[] }>();
  for (const alert of alerts) {
    const destination = destinationOf(alert, routing);
    const key = destinationKey(destination);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { destination, alerts: [] }));
    group.alerts.push(alert);
  }
  return [...groups.values()];
}
