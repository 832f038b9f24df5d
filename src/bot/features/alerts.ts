import { Composer } from "grammy";
import { silenceNotification, firingNow } from "../../alerts/silence-actions.js";
import { endSilence, loadBlindChecks, saveSilences } from "../../alerts/alert-store.js";
import { checkNewSilenceKey, silenceDuration, silenceMatcher } from "../../alerts/silences.js";
import type { Clock } from "../../clock.js";
import type { Pool } from "../../db/pool.js";
import { SILENCE_CHOICES, SILENCE_PREFIX } from "../alert-channel.js";
import { actorOf } from "../actor.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { code } from "../format/html.js";
import { requireRole } from "../middleware/auth.js";
import {
  formatUtc,
  renderNotification,
  renderOpenAlerts,
  renderSilencedNote,
} from "../render/alerts.js";

export const SILENCE_USAGE =
  "Usage: /silence KEY DURATION — e.g. /silence stuck_worker:42 4h (30m, 4h, 2d; KEY is a kind, a key, or KIND:prefix*)";
export const UNSILENCE_USAGE = "Usage: /unsilence KEY — the key exactly as /alerts shows it";

export function alertsFeature(deps: { pool: Pool; clock: Clock; maxSilenceDays: number }) {
  const { pool, clock } = deps;
  const duration = silenceDuration(deps.maxSilenceDays);
  const html = { parse_mode: "HTML" } as const;
  const feature = new Composer<BotContext>();
  // A database failure is answered in one line by the error boundary (create-bot.ts).
  handleCommand(feature, "alerts", async (ctx) => {
    const now = clock.now();
    const [view, blind] = await Promise.all([firingNow(pool, now), loadBlindChecks(pool)]);
    await ctx.reply(renderOpenAlerts(view.alerts, view.silences, now, blind), html);
  });

  handleCommand(feature, "silence", async (ctx) => {
    const [key = "", wanted = "", ...rest] = ctx.match.trim().split(/\s+/);
    if (key === "" || wanted === "" || rest.length > 0) return ctx.reply(SILENCE_USAGE);
    const checked = checkNewSilenceKey(key);
    if (!checked.ok) return ctx.reply(`⛔ ${code(key)}: ${checked.reason}.`, html);
    const ms = duration.safeParse(wanted);
    if (!ms.success) {
      // A well-formed duration out of bounds gets the bound; anything else the usage line.
      const outOfBounds = /^\d{1,5}[mhd]$/.test(wanted);
      return ctx.reply(
        outOfBounds ? `⛔ A silence ${ms.error.issues[0]?.message}.` : SILENCE_USAGE,
      );
    }
    const now = clock.now();
    const until = new Date(now.getTime() + ms.data);
    const inForce = await saveSilences(pool, [key], until, actorOf(ctx).name, now);
    const answer =
      inForce > until
        ? `🔕 ${code(key)} stays silenced until ${formatUtc(inForce)}: a new silence never shortens a longer one.`
        : `🔕 ${code(key)} silenced until ${formatUtc(until)}.`;
    await ctx.reply(answer, html);
  });

  handleCommand(feature, "unsilence", async (ctx) => {
    const parts = ctx.match.trim().split(/\s+/);
    const matcher = silenceMatcher.safeParse(parts[0] ?? "");
    if (!matcher.success || parts.length !== 1) return ctx.reply(UNSILENCE_USAGE);
    const ended = await endSilence(pool, matcher.data, clock.now());
    const text = ended
      ? `🔔 ${code(matcher.data)} is no longer silenced.`
      : `No silence in force for ${code(matcher.data)}.`;
    await ctx.reply(text, html);
  });

  const choices = Object.keys(SILENCE_CHOICES).join("|");
  const pattern = new RegExp(`^${SILENCE_PREFIX}:(\\d{1,15}):(${choices})$`);
  feature.callbackQuery(pattern, requireRole("operator"), async (ctx) => {
    const choice = ctx.match[2] as keyof typeof SILENCE_CHOICES;
    const message = ctx.callbackQuery.message;
    const now = clock.now();
    const until = new Date(now.getTime() + SILENCE_CHOICES[choice]);
    const who = actorOf(ctx).name;
    const silenced =
      message && ctx.chat
        ? await silenceNotification(
            pool,
            { outboxId: Number(ctx.match[1]), chatId: ctx.chat.id, messageId: message.message_id },
            until,
            who,
            now,
          )
        : undefined;
    if (!silenced)
      return ctx.answerCallbackQuery({
        text: "That alert message is not known here.",
        show_alert: true,
      });
    await ctx.answerCallbackQuery({ text: `Silenced for ${choice}.` });
    const text = renderNotification(silenced.row.kind, silenced.row.alerts, now);
    await ctx.editMessageText(`${text}\n\n${renderSilencedNote(who, silenced.until)}`, html);
  });
  return feature;
}
