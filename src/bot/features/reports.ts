import { Composer } from "grammy";
import type { Charts } from "../../charts/on-demand.js";
import type { HeavyQueries } from "../../checks/heavy-queries.js";
import type { Clock } from "../../clock.js";
import type { Report } from "../../reports/build-report.js";
import { isReportPeriod, type ReportPeriod } from "../../reports/report-window.js";
import { handleCommand } from "../commands.js";
import type { BotContext } from "../context.js";
import { sendReport } from "../report-sender.js";

export interface ReportsDeps {
  report: (period: ReportPeriod, now: Date) => Promise<Report>;
  charts: Charts;
  clock: Clock;
  /** /report takes its turn with /runs, /pg and /backups. */
  heavy: HeavyQueries;
}

const DEFAULT_PERIOD: ReportPeriod = "7d";

/** /report [7d|30d]: the on-call report in the caller's language, with its chart. */
export function reportsFeature(deps: ReportsDeps) {
  const feature = new Composer<BotContext>();
  const html = { parse_mode: "HTML" } as const;
  handleCommand(feature, "report", async (ctx) => {
    const word = ctx.match.trim().toLowerCase() || DEFAULT_PERIOD;
    if (!isReportPeriod(word)) return ctx.reply(ctx.lang.t("report-usage"));
    const report = await deps.heavy.run(() => deps.report(word, deps.clock.now()));
    await sendReport(
      {
        text: (text) => ctx.reply(text, { ...html, link_preview_options: { is_disabled: true } }),
        photo: (png, caption) => ctx.replyWithPhoto(png, { caption, ...html }),
      },
      report,
      ctx.lang,
      deps.charts,
    );
  });
  return feature;
}
