import { Composer } from "grammy";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { code, escapeHtml } from "../format/html.js";

/** Works for anyone, even outside ALLOWED_CHAT_IDS: it is how operators get added. */
export function whoamiFeature() {
  const feature = new Composer<BotContext>();
  handleCommand(feature, "whoami", (ctx) => {
    const t = (key: string, args?: Record<string, string>) => ctx.lang.t(key, args);
    const senderChat = ctx.msg.sender_chat;
    const lines = [
      t("whoami-user", { id: ctx.from ? code(ctx.from.id) : escapeHtml(t("whoami-no-user")) }),
      t("whoami-chat", { id: code(ctx.chat.id) }),
      t("whoami-role", { role: code(ctx.role) }),
    ];
    if (senderChat !== undefined) lines.push(t("whoami-sender-chat", { id: code(senderChat.id) }));
    if (!ctx.chatServed) lines.push(t("whoami-chat-not-served"));
    return ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
  });
  return feature;
}
