/** Where the bot itself runs, as far as a URL pointing back at it is concerned. */
export interface SelfFacts {
  /** Running in a container (Docker, Podman): there, localhost is the container itself. */
  inContainer: boolean;
  /** This machine's (or container's) host name. */
  hostname: string;
  /** The port the bot's own HTTP server listens on, when it has one. */
  port?: number;
}

const isLoopback = (host: string) =>
  host === "localhost" ||
  host.endsWith(".localhost") ||
  host.startsWith("127.") ||
  host === "[::1]";

/**
 * Why API_HEALTH_URL points at the bot rather than at the LabPics API, if it does: the
 * `api_down` alert would then page about the bot's own container (or never page at all).
 */
export function selfPointingApiUrl(apiUrl: string, self: SelfFacts): string | undefined {
  const url = new URL(apiUrl);
  const host = url.hostname.toLowerCase();
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const ownHost = isLoopback(host) || host === self.hostname.toLowerCase();
  if (ownHost && self.port !== undefined && port === self.port)
    return `API_HEALTH_URL (${url.origin}) is the bot's own HTTP server, not the LabPics API`;
  if (isLoopback(host) && self.inContainer)
    return (
      `API_HEALTH_URL (${url.origin}) is this container's own loopback, not the LabPics API: ` +
      "use the API's address on a shared network, e.g. http://server:8080/health"
    );
  return undefined;
}
