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
