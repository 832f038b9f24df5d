import type { Logger } from "../log/create-logger.js";
import { createHttpServer, type HttpServer, type RouteHandler } from "./server.js";

/** The HTTP servers of one app: each is closed by close(), even if a later one failed to bind. */
export function createListeners(logger: Logger) {
  const servers: HttpServer[] = [];
  return {
    /** Resolves with the bound port. */
    async bind(routes: Record<string, RouteHandler>, host: string, port: number): Promise<number> {
      const server = createHttpServer(routes, logger);
      servers.push(server);
      const bound = await server.listen(host, port);
      logger.info({ host, port: bound, routes: Object.keys(routes) }, "http server listening");
      return bound;
    },
    close: async (): Promise<void> => {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}
