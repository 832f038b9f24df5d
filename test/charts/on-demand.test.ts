// The chart library is a 35 MB native module: the bot loads it for its first chart, not at
// start. A child process, because this test worker may have loaded it already.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const script = `
import { readFileSync } from "node:fs";
import "./src/wiring.ts";
import { loadChartsOnDemand } from "./src/charts/on-demand.ts";
const skiaLoaded = () => readFileSync("/proc/self/maps", "utf8").includes("skia.");
const atStart = skiaLoaded();
const to = new Date();
const png = await loadChartsOnDemand().render({
  title: "t",
  labels: { x: "x", seconds: "s", minutes: "m", statuses: {} },
  from: new Date(to.getTime() - 86_400_000),
  to,
  ranges: [{ startedAt: to, status: "ok", shortest: 1, longest: 2 }],
});
console.log(JSON.stringify({ atStart, afterChart: skiaLoaded(), png: png.subarray(1, 4).toString() }));
`;

describe("charts on demand", () => {
  it("loads the chart library with the first chart, not with the bot", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "--eval", script],
      { cwd: process.cwd() },
    );
    expect(JSON.parse(stdout)).toEqual({ atStart: false, afterChart: true, png: "PNG" });
  });
});
