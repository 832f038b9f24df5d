// sparkline on plain numbers: scaled to the maximum, bucketed to the width, spikes kept.
import { describe, expect, it } from "vitest";
import { sparkline } from "../../../src/bot/format/sparkline.js";

describe("sparkline", () => {
  it("is empty for no values", () => {
    expect(sparkline([])).toBe("");
  });

  it("scales each value to the largest, which gets the full bar", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe("▁▂▃▄▅▆▇█");
  });

  it("draws all-zero values as the lowest bar", () => {
    expect(sparkline([0, 0, 0])).toBe("▁▁▁");
  });

  it("keeps a spike visible when it buckets more values than the width", () => {
    const values = Array.from({ length: 100 }, (_, i) => (i === 57 ? 100 : 1));
    const line = sparkline(values, 10);
    expect(line).toHaveLength(10);
    expect(line).toBe("▁▁▁▁▁█▁▁▁▁");
  });
});
