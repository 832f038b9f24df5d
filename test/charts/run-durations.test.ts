import { describe, expect, it } from "vitest";
import {
  createRunChartRenderer,
  timeAxis,
  type RunChartInput,
} from "../../src/charts/run-durations.js";
import { runChartLabels } from "../../src/bot/render/runs.js";
import { createTranslator } from "../../src/i18n/catalogue.js";

const to = new Date("2026-11-28T12:00:00Z");
const from = new Date(to.getTime() - 7 * 86_400_000);
const chart = (statuses: string[]): RunChartInput => ({
  title: "digest — run durations, 7 days",
  labels: runChartLabels(createTranslator("en")),
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

  it("ticks each midnight across a week, every 6 hours on the hour across a chart cut short", () => {
    const week = timeAxis(from, to);
    expect(week.ticks.map(week.label)).toEqual([
      "11-22",
      "11-23",
      "11-24",
      "11-25",
      "11-26",
      "11-27",
      "11-28",
    ]);
    const short = timeAxis(new Date("2026-11-27T02:41:00Z"), to);
    expect(short.ticks.map(short.label)).toEqual([
      "11-27 06:00",
      "11-27 12:00",
      "11-27 18:00",
      "11-28 00:00",
      "11-28 06:00",
      "11-28 12:00",
    ]);
  });
});
