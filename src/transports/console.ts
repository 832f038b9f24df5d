import type { Transport } from "./transport.js";

/**
 * The terminal: no HTTP and nothing to register. src/console/run-console.ts reads the lines
 * and hands each update to the bot itself, once the app has started.
 */
export function createConsoleTransport(): Transport {
  return {
    listens: false,
    routes: {},
    health: {},
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
}
