import { describe, expect, it } from "vitest";
import { createPagesChartRenderer, type PagesChartInput } from "../../src/charts/pages-per-day.js";

const chart = (pages: number[]): PagesChartInput => ({
  title: "Pages per day",
  unit: "pages",
  days: pages.map((n, i) => ({ label: `06-0${i + 1}`, pages: n })),
});

describe("pages per day chart", () => {
  it("renders an 800×400 PNG whose bars follow the pages", () => {
    const charts = createPagesChartRenderer();
    const png = charts.render(chart([0, 3, 1, 0, 5, 0, 2]));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([800, 400]);
    expect(charts.render(chart([0, 3, 1, 0, 4, 0, 2])).equals(png)).toBe(false);
    expect(charts.render(chart([0, 3, 1, 0, 5, 0, 2])).equals(png)).toBe(true);
  });
});
