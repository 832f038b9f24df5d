// The baseline: a bare grammY webhook bot (node:http + webhookCallback with the secret),
// nothing else. Same fake Bot API, same replies' size: the ratio to opsbot is the figure.
import { createServer } from "node:http";
import { Bot, webhookCallback } from "grammy";
import { getMeResult } from "../src/console/local-bot-api.js";

const token = process.env.TELEGRAM_BOT_TOKEN!;
const bot = new Bot(token, {
  botInfo: getMeResult({ id: 7000000001, first_name: "Opsbot", username: "opsbot_test_bot" }),
  client: { apiRoot: process.env.TELEGRAM_API_ROOT! },
});
bot.command("help", (ctx) => ctx.reply("help: /start /help /whoami /health /jobs /stuck /sync"));
const server = createServer(
  webhookCallback(bot, "http", { secretToken: process.env.TELEGRAM_WEBHOOK_SECRET! }),
);
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("bare bot listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
