// Pages per day as a PNG bar chart, drawn like the /runs chart (run-durations.ts): Chart.js
// on @napi-rs/canvas, loaded on demand (on-demand.ts). Labels and titles come translated.
import type { SKRSContext2D } from "@napi-rs/canvas";
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Title } from "chart.js";
import { canvasRenderer, type ChartRenderer } from "./canvas.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Title);

export interface PagesChartInput {
  title: string;
  /** One bar a day, oldest first: its label (a date) and its pages. */
  days: readonly { label: string; pages: number }[];
  /** The y axis's title ("pages"). */
  unit: string;
}

const BAR = "#c62828";

function chartOf(context: SKRSContext2D, input: PagesChartInput) {
  return new Chart(context, {
    type: "bar",
    data: {
      labels: input.days.map((d) => d.label),
      datasets: [{ data: input.days.map((d) => d.pages), backgroundColor: BAR }],
    },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      plugins: { title: { display: true, text: input.title } },
      scales: {
        // Whole pages only: no 0.5 ticks on a quiet week.
        y: {
          beginAtZero: true,
          ticks: { precision: 0 },
          title: { display: true, text: input.unit },
        },
      },
    },
  });
}

export type PagesChartRenderer = ChartRenderer<PagesChartInput>;

export const createPagesChartRenderer = (): PagesChartRenderer => canvasRenderer(chartOf);
