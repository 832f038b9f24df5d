import { Composer, InputFile, type CommandContext } from "grammy";
import { z } from "zod";
import type { Charts } from "../../charts/on-demand.js";
import type { Checks } from "../../checks/create-checks.js";
import type { HeavyQueries } from "../../checks/heavy-queries.js";
import type { Clock } from "../../clock.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { renderBackups } from "../render/backups.js";
import { renderPg } from "../render/pg.js";
import {
  renderJobRuns,
  renderRunChartCaption,
  renderRunChartTitle,
  renderRunsSummary,
  runChartLabels,
} from "../render/runs.js";

export interface DiagnosticsDeps {
  checks: Checks;
  clock: Clock;
  backupMaxAgeHours: number;
  charts: Charts;
  /** /runs, /pg and /backups each take a turn here (BusyError past the queue). */
  heavy: HeavyQueries;
}

// JOB and PROJECT (a name or id): one word each; JOB "*" means every job.
const runsArgs = z.array(z.string().regex(/^[\w.:*-]{1,100}$/)).max(2);
const ALL_JOBS = "*";

/** /runs, /pg and /backups: worker history, database health and backups, for viewers. */
export function diagnosticsFeature(deps: DiagnosticsDeps) {
  const { checks, clock, heavy } = deps;
  const html = { parse_mode: "HTML" } as const;
  const feature = new Composer<BotContext>();

  handleCommand(feature, "runs", (ctx) => heavy.run(() => runs(ctx)));
  handleCommand(feature, "pg", async (ctx) =>
    ctx.reply(renderPg(await heavy.run(checks.pgActivity), ctx.lang), html),
  );
  handleCommand(feature, "backups", async (ctx) =>
    ctx.reply(
      renderBackups(await heavy.run(checks.backups), deps.backupMaxAgeHours, ctx.lang),
      html,
    ),
  );
  return feature;

  async function runs(ctx: CommandContext<BotContext>) {
    const parsed = runsArgs.safeParse(ctx.match.trim().split(/\s+/).filter(Boolean));
    const { lang } = ctx;
    if (!parsed.success) return ctx.reply(lang.t("runs-usage"));
    const [word = ALL_JOBS, project] = parsed.data;
    const job = word === ALL_JOBS ? undefined : word;
    const scope = [job, project].filter((w) => w !== undefined).join(" · ");
    const summary = await checks.runs(job, project);
    await ctx.reply(renderRunsSummary(summary, clock.now(), scope, lang), html);
    if (job === undefined) return;
    const history = await checks.jobHistory(job, project);
    if (history.last.length === 0) return;
    await ctx.reply(renderJobRuns(job, history, clock.now(), lang), html);
    if (history.week.columns.length === 0) return;
    const png = await deps.charts.render({
      title: renderRunChartTitle(scope, history, lang),
      labels: runChartLabels(lang),
      ranges: history.week.columns,
      from: history.week.since,
      to: clock.now(),
    });
    await ctx.replyWithPhoto(new InputFile(png, `runs-${job}.png`), {
      caption: renderRunChartCaption(job, history, lang),
      ...html,
    });
  }
}
