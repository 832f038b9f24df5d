import { expect, it } from "vitest";
import { benchTable } from "../../bench/lib.js";

it("names the Node that ran the benchmark in the table header", () => {
  const table = benchTable(
    [{ figure: "p50", value: "2.0 ms", baseline: "1.5 ms", target: "< 50 ms", ok: true }],
    "v24.22.3",
  );

  expect(table.split("\n")).toEqual([
    "| figure | opsbot on Node v24.22.3 | baseline (same run) | target | |",
    "|---|---|---|---|---|",
    "| p50 | 2.0 ms | 1.5 ms | < 50 ms | ✅ |",
  ]);
});
