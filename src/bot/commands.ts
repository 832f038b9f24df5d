import type { CommandMiddleware, Composer } from "grammy";
import type { BotContext } from "./context.js";
import { requireRole } from "./middleware/auth.js";
import { hasRole, type Role } from "./roles.js";

export interface CommandSpec {
  command: string;
  /** The least role that may run it. */
  role: Role;
  /** Argument hint shown in /help. */
  args?: string;
}

/**
 * The one command list, where each command is declared: /help, /start, setMyCommands, the
 * command metrics and each handler's role check (handleCommand) all read it. Each one's
 * description is the catalogue's `command-<name>` (locales/<locale>/commands.ftl).
 */
export const COMMANDS = [
  { command: "start", role: "unknown" },
  { command: "help", role: "unknown" },
  { command: "whoami", role: "unknown" },
  { command: "language", role: "unknown", args: "ru | en | auto" },
  { command: "health", role: "viewer" },
  { command: "jobs", role: "viewer" },
  { command: "stuck", role: "viewer", args: "[minutes]" },
  { command: "sync", role: "viewer" },
  { command: "runs", role: "viewer", args: "[JOB] [PROJECT]" },
  { command: "pg", role: "viewer" },
  { command: "backups", role: "viewer" },
  { command: "alerts", role: "viewer" },
  { command: "incident", role: "viewer", args: "[N] [md]" },
  { command: "report", role: "viewer", args: "[7d|30d]" },
  { command: "oncall", role: "viewer", args: "[take [DURATION]]" },
  { command: "silence", role: "operator", args: "KEY DURATION [in DELAY]" },
  { command: "unsilence", role: "operator", args: "KEY | PREFIX* | all" },
  { command: "deploy", role: "operator", args: "[REF]" },
  { command: "rollback", role: "operator" },
  { command: "history", role: "viewer" },
  { command: "cancel", role: "operator" },
] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof COMMANDS)[number]["command"];

/**
 * Mounts a declared command's handler behind the role the list gives it. A handler for a
 * command not in the list does not compile; test/bot/commands.test.ts finds the reverse.
 */
export function handleCommand(
  composer: Composer<BotContext>,
  name: CommandName,
  handler: CommandMiddleware<BotContext>,
): void {
  composer.command(name, requireRole(roleOf(name)), handler);
}

function roleOf(name: CommandName): Role {
  return COMMANDS.find((c) => c.command === name)!.role;
}

export function commandsFor(role: Role): CommandSpec[] {
  return COMMANDS.filter((c) => hasRole(role, c.role));
}

export function isKnownCommand(name: string): boolean {
  return COMMANDS.some((c) => c.command === name);
}
