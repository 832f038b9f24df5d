// A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL, Redis), so a test can
// make that server disappear for the bot mid-run — and come back — without touching it.
import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * How a cut looks to a client:
 * - "refuse": nothing listens any more (ECONNREFUSED), as when the server process died;
 * - "reset":  connections are accepted and reset at once (ECONNRESET);
 * - "hold":   connections are accepted and never answered, as behind a dead network link.
 * In every mode the connections open at the moment of the cut are destroyed.
 */
export type CutMode = "refuse" | "reset" | "hold";

export interface TcpProxy {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's (credentials and path kept). */
  urlFor(url: string): string;
  cut(mode?: CutMode): Promise<void>;
  restore(): Promise<void>;
  /** Connections forwarded since start (a sign the client came back after a restore). */
  accepted(): number;
  /** Connections being forwarded now. */
  open(): number;
  close(): Promise<void>;
}

export interface ProxyTarget {
  host: string;
  port: number;
}

const HOST = "127.0.0.1";

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, HOST, () => {
      server.off("error", onError);
      resolve((server.address() as { port: number }).port);
    });
  });
}

export async function startTcpProxy(target: ProxyTarget): Promise<TcpProxy> {
  let state: "up" | CutMode | "closed" = "up";
  let accepted = 0;
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const held = new Set<Socket>();

  const onConnection = (client: Socket) => {
    client.on("error", () => undefined);
    if (state === "reset") return client.resetAndDestroy();
    if (state !== "up") {
      // Held: accepted by the kernel, never read from or answered.
      held.add(client);
      client.pause();
      client.once("close", () => held.delete(client));
      return;
    }
    accepted++;
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    upstream.on("error", end);
    client.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  let server = createServer(onConnection);
  const port = await listen(server, 0);

  const dropAll = () => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    for (const socket of held) socket.destroy();
    held.clear();
  };

  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      dropAll();
    });

  return {
    host: HOST,
    port,
    urlFor(url) {
      const u = new URL(url);
      u.hostname = HOST;
      u.port = String(port);
      return u.toString();
    },
    async cut(mode = "refuse") {
      if (state === "closed") throw new Error("proxy closed");
      state = mode;
      dropAll();
      if (mode === "refuse") await stopListening();
    },
    async restore() {
      if (state === "closed") throw new Error("proxy closed");
      const wasRefusing = state === "refuse";
      // Held connections never saw the server: they end, the client reconnects.
      for (const socket of held) socket.destroy();
      held.clear();
      state = "up";
      if (!wasRefusing) return;
      server = createServer(onConnection);
      // The port was free a moment ago; something may hold it for an instant.
      for (let attempt = 0; ; attempt++) {
        try {
          await listen(server, port);
          return;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    },
    accepted: () => accepted,
    open: () => pairs.size,
    async close() {
      state = "closed";
      await stopListening();
    },
  };
}
