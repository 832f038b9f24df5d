import { hasRole, type Role } from "./roles.js";

export interface CommandSpec {
  command: string;
  description: string;
  /** The least role that may run it. */
  role: Role;
  /** Argument hint shown in /help. */
  args?: string;
}

/** The one command list: /help, /start and setMyCommands all read it. */
export const COMMANDS: readonly CommandSpec[] = [
  { command: "start", description: "What this bot can do for you", role: "unknown" },
  { command: "help", description: "Commands for your role", role: "unknown" },
  { command: "whoami", description: "Your Telegram user id, chat id and role", role: "unknown" },
];

export function commandsFor(role: Role): CommandSpec[] {
  return COMMANDS.filter((c) => hasRole(role, c.role));
}

export function isKnownCommand(name: string): boolean {
  return COMMANDS.some((c) => c.command === name);
}
