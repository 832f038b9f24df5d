import { pino, type DestinationStream, type Logger } from "pino";
import { createRedactor } from "./redact.js";

export type { Logger };

export interface LoggerOptions {
  level: string;
  secrets: readonly string[];
  /** Where lines go; stdout by default. Tests pass a stream they can read. */
  destination?: DestinationStream;
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const redact = createRedactor(options.secrets);
  const destination =
    options.destination ??
    (options.pretty
      ? pino.transport({ target: "pino-pretty", options: { colorize: true, destination: 2 } })
      : pino.destination(1));
  return pino(
    {
      level: options.level,
      base: { service: "opsbot" },
      redact: {
        paths: [
          "token",
          "secret",
          "password",
          "*.token",
          "*.secret",
          "*.password",
          "headers.authorization",
        ],
        censor: "[REDACTED]",
      },
      // Applied to the serialised line: catches secrets at any depth, in any field.
      hooks: { streamWrite: redact },
    },
    destination,
  );
}
