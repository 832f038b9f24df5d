import type { CommandMiddleware, Composer } from "grammy";
import type { BotContext } from "./context.js";
import { requireRole } from "./middleware/auth.js";
import { hasRole, type Role } from "./roles.js";

export interface CommandSpec {
  command: string;
  description: string;
  /** The least role that may run it. */
  role: Role;
  /** Argument hint shown in /help. */
  args?: string;
}

/**
 * The one command list, where each command is declared: /help, /start, setMyCommands, the
 * command metrics and each handler's role check (handleCommand) all read it.
 */
export const COMMANDS = [
  { command: "start", description: "What this bot can do for you", role: "unknown" },
  { command: "help", description: "Commands for your role", role: "unknown" },
  { command: "whoami", description: "Your Telegram user id, chat id and role", role: "unknown" },
  { command: "health", description: "API, PostgreSQL, Redis and the bot itself", role: "viewer" },
  { command: "jobs", description: "Scheduled jobs, failed and overdue first", role: "viewer" },
  {
    command: "stuck",
    description: "Runs going longer than the threshold",
    role: "viewer",
    args: "[minutes]",
  },
  { command: "sync", description: "Connector sync, failed and stale first", role: "viewer" },
  {
    command: "runs",
    description: "Worker run history; with JOB, its last runs and a chart",
    role: "viewer",
    args: "[JOB] [PROJECT]",
  },
  {
    command: "pg",
    description: "PostgreSQL: connections, long queries, locks, size",
    role: "viewer",
  },
  { command: "backups", description: "The newest backup and how many are kept", role: "viewer" },
  { command: "alerts", description: "Alerts firing now, and silences", role: "viewer" },
  {
    command: "report",
    description: "On-call report: pages, MTTA/MTTR, noisiest and flapping alerts",
    role: "viewer",
    args: "[7d|30d]",
  },
  {
    command: "oncall",
    description: "Who is on call and who is next; take: take the shift (operators)",
    role: "viewer",
    args: "[take [DURATION]]",
  },
  {
    command: "silence",
    description: "Silence an alert (KEY may end in *)",
    role: "operator",
    args: "KEY DURATION [in DELAY]",
  },
  {
    command: "unsilence",
    description: "End a silence (KEY* or all: many at once)",
    role: "operator",
    args: "KEY | PREFIX* | all",
  },
  {
    command: "deploy",
    description: "Guarded deploy (Confirm first)",
    role: "operator",
    args: "[REF]",
  },
  { command: "rollback", description: "Roll back to an earlier good deploy", role: "operator" },
  { command: "history", description: "Recent deploys and rollbacks", role: "viewer" },
  { command: "cancel", description: "Leave the current dialogue", role: "operator" },
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
