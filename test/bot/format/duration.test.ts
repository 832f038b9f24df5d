// formatBytes (formatDuration and formatAge have theirs in test/bot/format.test.ts).
import { describe, expect, it } from "vitest";
import { formatBytes } from "../../../src/bot/format/duration.js";

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.0 KB"],
    [1536, "1.5 KB"],
    [5 * 1024 ** 2, "5.0 MB"],
    [3 * 1024 ** 3, "3.0 GB"],
    [2 * 1024 ** 5, "2048.0 TB"],
  ])("%d bytes is %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
