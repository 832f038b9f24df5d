import type { Context } from "grammy";
import type { Actor } from "../executor/actions-store.js";

/** Who pressed or asked, as the team will recognise them in audit lines and notes. */
export function actorOf(ctx: Context): Actor {
  const from = ctx.from;
  if (!from) return { id: 0, name: "unknown" };
  return {
    id: from.id,
    name: from.username ? `@${from.username}` : `${from.first_name} (${from.id})`,
  };
}

/** The forum topic a message belongs to, if any (a reply thread is not a topic). */
export function topicOf(ctx: Context): { threadId?: number } {
  const msg = ctx.msg;
  return msg?.is_topic_message && msg.message_thread_id !== undefined
    ? { threadId: msg.message_thread_id }
    : {};
}
