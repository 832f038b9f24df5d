// Pages per day as a PNG bar chart, drawn like the /runs chart (run-durations.ts): Chart.js
// on @napi-rs/canvas, loaded on demand (on-demand.ts). Labels and titles come translated.
import { createCanvas, type Canvas } from "@napi-rs/canvas";
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Title } from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Title);

export interface PagesChartInput {
  title: string;
  /** One bar a day, oldest first: its label (a date) and its pages. */
  days: readonly { label: string; pages: number }[];
  /** The y axis's title ("pages"). */
  unit: string;
}

const WIDTH = 800;
const HEIGHT = 400;
const BAR = "#c62828";

function draw(canvas: Canvas, input: PagesChartInput): Buffer {
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, WIDTH, HEIGHT);
  const chart = new Chart(context, {
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
  try {
    return canvas.toBuffer("image/png");
  } finally {
    chart.destroy();
  }
}

export interface PagesChartRenderer {
  render(input: PagesChartInput): Buffer;
}

/** One canvas drawn over for each chart, as the /runs chart does (see why there). */
export function createPagesChartRenderer(): PagesChartRenderer {
  let canvas: Canvas | undefined;
  return {
    render(input) {
      canvas ??= createCanvas(WIDTH, HEIGHT);
      return draw(canvas, input);
    },
  };
}
