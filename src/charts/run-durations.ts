// Run durations as a PNG: Chart.js drawing on @napi-rs/canvas (Skia, prebuilt binaries from
// the npm registry; no browser, no native build). docs/diagnostics.md says why these two.
import type { SKRSContext2D } from "@napi-rs/canvas";
import {
  Chart,
  Legend,
  LinearScale,
  PointElement,
  ScatterController,
  Title,
  type ChartDataset,
} from "chart.js";
import { canvasRenderer, type ChartRenderer } from "./canvas.js";

// Chart.js keeps a registry per process; registering what a scatter chart needs is idempotent.
Chart.register(ScatterController, LinearScale, PointElement, Legend, Title);

/** Runs of one status started close together: drawn as their shortest and longest. */
export interface DurationRange {
  startedAt: Date;
  status: string;
  /** Seconds. */
  shortest: number;
  longest: number;
}

/** The chart's words, in the reader's language: axis titles and a legend entry per status. */
export interface RunChartLabels {
  /** The time axis (UTC). */
  x: string;
  seconds: string;
  minutes: string;
  /** Statuses not in it are shown as they are. */
  statuses: Readonly<Record<string, string>>;
}

export interface RunChartInput {
  title: string;
  labels: RunChartLabels;
  ranges: readonly DurationRange[];
  /** The x axis spans [from, to]. */
  from: Date;
  to: Date;
}

// Colour by status; failures are also a bigger, different marker (readable without colour).
const STYLE: Record<string, { colour: string; shape: "circle" | "triangle" | "rect"; r: number }> =
  {
    ok: { colour: "#2e7d32", shape: "circle", r: 2.5 },
    failed: { colour: "#c62828", shape: "triangle", r: 6 },
    running: { colour: "#ef6c00", shape: "rect", r: 4 },
  };
const OTHER = { colour: "#616161", shape: "circle" as const, r: 3 };

/** Minutes on the axis once runs take that long; seconds otherwise. */
function unitFor(ranges: readonly DurationRange[], labels: RunChartLabels) {
  const longest = ranges.reduce((top, r) => Math.max(top, r.longest), 0);
  return longest >= 600
    ? { name: labels.minutes, divisor: 60 }
    : { name: labels.seconds, divisor: 1 };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The x axis (UTC): a tick each midnight across a week; across a chart cut short to its
 * newest runs (a day or two), one every 6 hours, with the time.
 */
export function timeAxis(from: Date, to: Date) {
  const short = to.getTime() - from.getTime() <= 2 * DAY_MS;
  const step = short ? 6 * HOUR_MS : DAY_MS;
  const ticks: number[] = [];
  for (let at = Math.ceil(from.getTime() / step) * step; at <= to.getTime(); at += step) {
    ticks.push(at);
  }
  const iso = (ms: number) => new Date(ms).toISOString();
  const label = short
    ? (ms: number) => iso(ms).slice(5, 16).replace("T", " ")
    : (ms: number) => iso(ms).slice(5, 10);
  return { ticks, label };
}

const pointsOf = (r: DurationRange, divisor: number) => {
  const x = r.startedAt.getTime();
  const longest = { x, y: r.longest / divisor };
  return r.shortest === r.longest ? [longest] : [{ x, y: r.shortest / divisor }, longest];
};

function chartOf(context: SKRSContext2D, input: RunChartInput) {
  const unit = unitFor(input.ranges, input.labels);
  const axis = timeAxis(input.from, input.to);
  const statuses = [...new Set(input.ranges.map((r) => r.status))].sort();
  const datasets: ChartDataset<"scatter">[] = statuses.map((status) => {
    const style = STYLE[status] ?? OTHER;
    return {
      label: input.labels.statuses[status] ?? status,
      data: input.ranges
        .filter((r) => r.status === status)
        .flatMap((r) => pointsOf(r, unit.divisor)),
      backgroundColor: style.colour,
      borderColor: style.colour,
      pointStyle: style.shape,
      pointRadius: style.r,
    };
  });
  return new Chart(context, {
    type: "scatter",
    data: { datasets },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      plugins: { title: { display: true, text: input.title } },
      scales: {
        x: {
          type: "linear",
          min: input.from.getTime(),
          max: input.to.getTime(),
          // Chart.js would spread its ticks evenly from the minimum: on the hour instead.
          afterBuildTicks: (scale) => {
            scale.ticks = axis.ticks.map((value) => ({ value }));
          },
          ticks: { callback: (value) => axis.label(Number(value)) },
          title: { display: true, text: input.labels.x },
        },
        y: { beginAtZero: true, title: { display: true, text: unit.name } },
      },
    },
  });
}

export type RunChartRenderer = ChartRenderer<RunChartInput>;

export const createRunChartRenderer = (): RunChartRenderer => canvasRenderer(chartOf);
