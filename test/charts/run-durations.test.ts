import { describe, expect, it } from "vitest";
import { createRunChartRenderer, type RunChartInput } from "../../src/charts/run-durations.js";

const to = new Date("2026-11-28T12:00:00Z");
const from = new Date(to.getTime() - 7 * 86_400_000);
const chart = (statuses: string[]): RunChartInput => ({
  title: "digest — run durations, 7 days",
  from,
  to,
  ranges: statuses.map((status, i) => ({
    startedAt: new Date(to.getTime() - (i + 1) * 3_600_000),
    shortest: 30,
    longest: 30 + i * 10,
    status,
  })),
});

describe("run duration chart", () => {
  it("renders an 800×400 PNG", () => {
    const png = createRunChartRenderer().render(chart(["ok", "failed", "running"]));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([800, 400]);
  });

  it("reuses its canvas without leaving anything of the previous chart", () => {
    const charts = createRunChartRenderer();
    const first = charts.render(chart(["ok", "ok", "failed"]));
    const other = charts.render(chart(["failed", "failed", "failed", "failed", "ok"]));
    expect(other.equals(first)).toBe(false);
    expect(charts.render(chart(["ok", "ok", "failed"])).equals(first)).toBe(true);
  });

  it("draws a column's shortest run as well as its longest", () => {
    const charts = createRunChartRenderer();
    const column = { startedAt: new Date(to.getTime() - 3_600_000), status: "ok", longest: 300 };
    const input = (shortest: number) => ({ ...chart([]), ranges: [{ ...column, shortest }] });
    expect(charts.render(input(10)).equals(charts.render(input(300)))).toBe(false);
  });
});
