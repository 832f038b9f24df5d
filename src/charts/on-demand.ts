import type { RunChartInput, RunChartRenderer } from "./run-durations.js";

/** How the bot draws a /runs chart. */
export interface RunCharts {
  render(input: RunChartInput): Promise<Buffer>;
}

/**
 * Chart.js on Skia (a 35 MB native module, about 30 MB of RSS once loaded) is loaded by the
 * first chart: a bot never asked for one — a watcher through an alert storm — never
 * carries it.
 */
export function loadChartsOnDemand(): RunCharts {
  let renderer: Promise<RunChartRenderer> | undefined;
  return {
    async render(input) {
      renderer ??= import("./run-durations.js").then((m) => m.createRunChartRenderer());
      return (await renderer).render(input);
    },
  };
}
