import { Composer } from "grammy";
import type { BotContext } from "../context.js";

export interface ChatMigrations {
  record(fromChatId: number, toChatId: number): Promise<void>;
  /** The chats this one was migrated from, nearest first ([] when none). */
  originsOf(chatId: number): Promise<number[]>;
}

/**
 * Telegram's service messages when a group becomes a supergroup (one in each chat):
 * recorded, so the new chat is served as the old one was. Never answered.
 */
export function chatMigrationFeature(migrations: ChatMigrations) {
  const feature = new Composer<BotContext>();
  const record = async (ctx: BotContext, from: number, to: number) => {
    try {
      await migrations.record(from, to);
      ctx.log.info({ from, to }, "chat migrated to a supergroup; serving it as the old one");
    } catch (error) {
      // The alert outbox records it too, on its first delivery to the old chat.
      ctx.log.warn({ err: error, from, to }, "could not record a chat migration");
    }
  };
  feature.on("message:migrate_to_chat_id", (ctx) =>
    record(ctx, ctx.chat.id, ctx.message.migrate_to_chat_id),
  );
  feature.on("message:migrate_from_chat_id", (ctx) =>
    record(ctx, ctx.message.migrate_from_chat_id, ctx.chat.id),
  );
  return feature;
}
