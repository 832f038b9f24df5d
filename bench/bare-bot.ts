// The baseline: a bare grammY webhook bot (node:http + webhookCallback with the secret),
// nothing else. Same fake Bot API, same replies' size: the ratio to opsbot is the figure.
import { createServer } from "node:http";
import { Bot, webhookCallback } from "grammy";

const token = process.env.TELEGRAM_BOT_TOKEN!;
const bot = new Bot(token, {
  botInfo: {
    id: 7000000001,
    is_bot: true,
    first_name: "Opsbot",
    username: "opsbot_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  },
  client: { apiRoot: process.env.TELEGRAM_API_ROOT! },
});
bot.command("help", (ctx) => ctx.reply("help: /start /help /whoami /health /jobs /stuck /sync"));
const server = createServer(
  webhookCallback(bot, "http", { secretToken: process.env.TELEGRAM_WEBHOOK_SECRET! }),
);
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("bare bot listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
