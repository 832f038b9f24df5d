import type { Chat, User } from "grammy/types";

export type Role = "unknown" | "viewer" | "operator";

const RANK: Record<Role, number> = { unknown: 0, viewer: 1, operator: 2 };

// Telegram's stand-ins for "sent on behalf of a chat": never a person we can authorise.
export const ANONYMOUS_ADMIN_ID = 1087968824;
export const TELEGRAM_SERVICE_ID = 777000;

export interface AccessLists {
  VIEWER_IDS: readonly number[];
  OPERATOR_IDS: readonly number[];
  ALLOWED_CHAT_IDS: readonly number[];
}

export interface Caller {
  from?: User;
  senderChat?: Chat;
}

/** Authorisation is by Telegram user id only, never by chat or username. */
export function roleOf(access: AccessLists, caller: Caller): Role {
  const { from, senderChat } = caller;
  if (from === undefined || senderChat !== undefined) return "unknown";
  if (from.is_bot || from.id === ANONYMOUS_ADMIN_ID || from.id === TELEGRAM_SERVICE_ID) {
    return "unknown";
  }
  if (access.OPERATOR_IDS.includes(from.id)) return "operator";
  if (access.VIEWER_IDS.includes(from.id)) return "viewer";
  return "unknown";
}

export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export function isChatServed(access: AccessLists, chatId: number | undefined): boolean {
  if (access.ALLOWED_CHAT_IDS.length === 0) return true;
  return chatId !== undefined && access.ALLOWED_CHAT_IDS.includes(chatId);
}
