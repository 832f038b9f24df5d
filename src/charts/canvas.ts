import { createCanvas, type Canvas, type SKRSContext2D } from "@napi-rs/canvas";

const WIDTH = 800;
const HEIGHT = 400;

/** Draws one kind of chart as a PNG. */
export interface ChartRenderer<Input> {
  render(input: Input): Buffer;
}

/**
 * One white canvas, made on the first chart and drawn over for each next one: a new canvas
 * per chart holds native memory until V8 happens to collect it, which more than doubled peak
 * RSS in measurement. Rendering is synchronous, so two charts never share it at once.
 * `chartOf` draws the input's Chart.js chart on the context; it is destroyed once encoded.
 */
export function canvasRenderer<Input>(
  chartOf: (context: SKRSContext2D, input: Input) => { destroy(): void },
): ChartRenderer<Input> {
  let canvas: Canvas | undefined;
  return {
    render(input) {
      canvas ??= createCanvas(WIDTH, HEIGHT);
      const context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, WIDTH, HEIGHT);
      const chart = chartOf(context, input);
      try {
        return canvas.toBuffer("image/png");
      } finally {
        chart.destroy();
      }
    },
  };
}
