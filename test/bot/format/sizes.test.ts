// Sizes as the English translator writes them (durations and ages: test/bot/format.test.ts).
import { describe, expect, it } from "vitest";
import { EN } from "../../kit/english.js";

describe("sizes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1,023 B"],
    [1024, "1.0 KB"],
    [1536, "1.5 KB"],
    [5 * 1024 ** 2, "5.0 MB"],
    [3 * 1024 ** 3, "3.0 GB"],
    [2 * 1024 ** 5, "2,048.0 TB"],
  ])("%d bytes is %s", (bytes, text) => {
    expect(EN.bytes(bytes)).toBe(text);
  });
});
