// The baseline: a bare grammY webhook bot (node:http + webhookCallback with the secret),
// nothing else. Same fake Bot API, the same /help reply (opsbot's own text for a viewer):
// the ratio to opsbot is the cost of what opsbot adds per update (auth, de-duplication in
// Redis and PostgreSQL, metrics).
import { createServer } from "node:http";
import { Bot, webhookCallback } from "grammy";
import { renderHelp } from "../src/bot/features/start.js";
import { createTranslator } from "../src/i18n/catalogue.js";
import { getMeResult } from "../src/console/local-bot-api.js";

const token = process.env.TELEGRAM_BOT_TOKEN!;
const bot = new Bot(token, {
  botInfo: getMeResult({ id: 7000000001, first_name: "Opsbot", username: "opsbot_test_bot" }),
  client: { apiRoot: process.env.TELEGRAM_API_ROOT! },
});
const help = renderHelp("viewer", createTranslator("en"));
bot.command("help", (ctx) => ctx.reply(help, { parse_mode: "HTML" }));
const server = createServer(
  webhookCallback(bot, "http", { secretToken: process.env.TELEGRAM_WEBHOOK_SECRET! }),
);
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("bare bot listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
