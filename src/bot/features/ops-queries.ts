import { Composer, InlineKeyboard } from "grammy";
import { z } from "zod";
import type { Checks } from "../../checks/create-checks.js";
import type { Clock } from "../../clock.js";
import type { Translator } from "../../i18n/translator.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { requireRole } from "../middleware/auth.js";
import { renderHealth } from "../render/health.js";
import { renderJobs } from "../render/jobs.js";
import { renderStuck } from "../render/stuck.js";
import { renderSync } from "../render/sync.js";

export interface OpsQueryDeps {
  checks: Checks;
  clock: Clock;
  stuckMinutes: number;
}

const QUICK_PREFIX = "q:";
const QUICK_ACTIONS = ["health", "jobs", "stuck", "sync"] as const;
type QueryName = (typeof QUICK_ACTIONS)[number];

const stuckMinutesArg = z.coerce.number().int().min(1).max(10_080);

/** Health, Jobs, Stuck, Sync as buttons; each runs the same code as its command. */
export function quickActionsKeyboard(lang: Translator): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const name of QUICK_ACTIONS)
    keyboard.text(lang.t(`quick-${name}`), `${QUICK_PREFIX}${name}`);
  return keyboard;
}

export function opsQueriesFeature(deps: OpsQueryDeps) {
  const { checks, clock } = deps;
  const html = { parse_mode: "HTML" } as const;

  const answer: Record<QueryName, (ctx: BotContext, minutes?: number) => Promise<unknown>> = {
    health: async (ctx) =>
      ctx.reply(renderHealth(await checks.health(), clock.now(), ctx.lang), html),
    // A database failure is answered in one line by the error boundary (create-bot.ts).
    jobs: async (ctx) => ctx.reply(renderJobs(await checks.jobs(), clock.now(), ctx.lang), html),
    stuck: async (ctx, minutes = deps.stuckMinutes) =>
      ctx.reply(renderStuck(await checks.stuck(minutes), minutes, clock.now(), ctx.lang), html),
    sync: async (ctx) => ctx.reply(renderSync(await checks.sync(), clock.now(), ctx.lang), html),
  };

  const feature = new Composer<BotContext>();
  handleCommand(feature, "health", (ctx) => answer.health(ctx));
  handleCommand(feature, "jobs", (ctx) => answer.jobs(ctx));
  handleCommand(feature, "sync", (ctx) => answer.sync(ctx));
  handleCommand(feature, "stuck", async (ctx) => {
    const raw = ctx.match.trim();
    if (raw === "") return answer.stuck(ctx);
    const minutes = /^\d+$/.test(raw) ? stuckMinutesArg.safeParse(raw) : undefined;
    if (!minutes?.success) return ctx.reply(ctx.lang.t("stuck-usage"));
    return answer.stuck(ctx, minutes.data);
  });

  const pattern = new RegExp(`^${QUICK_PREFIX}(${QUICK_ACTIONS.join("|")})$`);
  feature.callbackQuery(pattern, requireRole("viewer"), async (ctx) => {
    // Answer the press first: the spinner stops at once, the query may take a while.
    await ctx.answerCallbackQuery();
    await answer[ctx.match[1] as QueryName](ctx);
  });
  return feature;
}
