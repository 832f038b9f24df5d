import { Composer } from "grammy";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { code } from "../format/html.js";

/** Works for anyone, even outside ALLOWED_CHAT_IDS: it is how operators get added. */
export function whoamiFeature() {
  const feature = new Composer<BotContext>();
  handleCommand(feature, "whoami", (ctx) => {
    const senderChat = ctx.msg.sender_chat;
    const lines = [
      `user id: ${ctx.from ? code(ctx.from.id) : "none"}`,
      `chat id: ${code(ctx.chat.id)}`,
      `role: ${code(ctx.role)}`,
    ];
    if (senderChat !== undefined) {
      lines.push(
        `Sent on behalf of chat ${code(senderChat.id)}: such messages are never authorised.`,
      );
    }
    if (!ctx.chatServed)
      lines.push("This chat is not in ALLOWED_CHAT_IDS: only /whoami answers here.");
    return ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
  });
  return feature;
}
