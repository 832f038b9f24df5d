import type { PagesChartInput, PagesChartRenderer } from "./pages-per-day.js";
import type { RunChartInput, RunChartRenderer } from "./run-durations.js";

/** How the bot draws its charts: /runs's run durations, /report's pages per day. */
export interface Charts {
  render(input: RunChartInput): Promise<Buffer>;
  pagesPerDay(input: PagesChartInput): Promise<Buffer>;
}

/**
 * Chart.js on Skia (a 35 MB native module, about 30 MB of RSS once loaded) is loaded by the
 * first chart: a bot never asked for one — a watcher through an alert storm — never
 * carries it.
 */
export function loadChartsOnDemand(): Charts {
  let runs: Promise<RunChartRenderer> | undefined;
  let pages: Promise<PagesChartRenderer> | undefined;
  return {
    async render(input) {
      runs ??= import("./run-durations.js").then((m) => m.createRunChartRenderer());
      return (await runs).render(input);
    },
    async pagesPerDay(input) {
      pages ??= import("./pages-per-day.js").then((m) => m.createPagesChartRenderer());
      return (await pages).render(input);
    },
  };
}
