// The formatting every reply goes through: escaping, the 4096 cut with "+N more",
// monospace tables that stay aligned with emoji, and durations as people read them.
import { describe, expect, it } from "vitest";
import { escapeHtml, fitLines, MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import { alignColumns, displayWidth, renderTable } from "../../src/bot/format/table.js";
import { EN } from "../kit/english.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The N of "+N more", or undefined when nothing was cut. */
const moreCount = (text: string) => {
  const match = /<i>\+(\d+) more<\/i>/.exec(text);
  return match ? Number(match[1]) : undefined;
};

describe("escapeHtml", () => {
  it("escapes the three characters Telegram's HTML mode reserves", () => {
    expect(escapeHtml("<script>alert(1)</script> & co")).toBe(
      "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co",
    );
  });

  it("escapes an ampersand first, so text that looks like an entity stays literal", () => {
    expect(escapeHtml("&lt;b&gt;")).toBe("&amp;lt;b&amp;gt;");
  });

  it("turns any value into text (numbers, null, undefined)", () => {
    expect([escapeHtml(42), escapeHtml(null), escapeHtml(undefined)]).toEqual([
      "42",
      "null",
      "undefined",
    ]);
  });

  it("leaves ordinary text, emoji and quotes as they are", () => {
    expect(escapeHtml(`✅ job "digest" ok`)).toBe(`✅ job "digest" ok`);
  });
});

describe("fitLines", () => {
  it("joins header, lines and footer unchanged when they fit", () => {
    expect(fitLines(["a", "b"], { lang: EN, header: "H", footer: "F" })).toBe("H\na\nb\nF");
  });

  it("cuts a long list to the 4096 limit and counts the cut lines as +N more", () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${String(i).padStart(4, "0")}`);
    const text = fitLines(lines, { lang: EN, header: "<b>Runs</b>", footer: "legend" });

    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    const body = text.split("\n").slice(1, -2);
    // The first lines are kept, in order; everything else is counted, nothing lost.
    expect(body).toEqual(lines.slice(0, body.length));
    expect(body.length).toBeGreaterThan(100);
    expect(moreCount(text)).toBe(lines.length - body.length);
    expect(text.startsWith("<b>Runs</b>\n")).toBe(true);
    expect(text.endsWith("\nlegend")).toBe(true);
  });

  it("keeps as many lines as fit: one more would go over the limit", () => {
    const lines = Array.from({ length: 50 }, (_, i) => `row-${i}`.padEnd(20, "."));
    const text = fitLines(lines, { lang: EN, limit: 200 });
    const kept = text.split("\n").length - 1;

    expect(text.length).toBeLessThanOrEqual(200);
    const oneMore = [...lines.slice(0, kept + 1), `<i>+${lines.length - kept - 1} more</i>`];
    expect(oneMore.join("\n").length).toBeGreaterThan(200);
  });

  it("adds rows a bounded query left out (hidden) to +N more, even when all lines fit", () => {
    expect(fitLines(["a", "b"], { lang: EN, hidden: 5 })).toBe("a\nb\n<i>+5 more</i>");
  });

  it("counts both the cut lines and the hidden ones", () => {
    const lines = Array.from({ length: 40 }, (_, i) => `item ${i}`.padEnd(30, " "));
    const text = fitLines(lines, { lang: EN, limit: 300, hidden: 450 });
    const kept = text.split("\n").length - 1;

    expect(kept).toBeLessThan(40);
    expect(moreCount(text)).toBe(450 + 40 - kept);
  });

  it("keeps the wrapping tag closed when it cuts, so the HTML stays valid", () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `run ${i}`);
    const text = fitLines(lines, { lang: EN, wrap: (body) => `<pre>${body}</pre>` });

    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text.match(/<pre>/g)).toHaveLength(1);
    expect(text.match(/<\/pre>/g)).toHaveLength(1);
    expect(moreCount(text)).toBeGreaterThan(0);
    expect(text.indexOf("</pre>")).toBeLessThan(text.indexOf("more</i>"));
  });
});

describe("renderTable", () => {
  it("aligns columns by display width: an emoji takes two columns, its variation selector none", () => {
    const lines = alignColumns([
      ["✅", "api", "ok"],
      ["⚠️", "postgres", "slow"],
      ["-", "db", "note"],
    ]);

    expect(lines).toEqual(["✅  api       ok", "⚠️  postgres  slow", "-   db        note"]);
    // The last column starts at the same screen column on every line.
    const lastColumn = lines.map((line) => displayWidth(line.slice(0, line.lastIndexOf(" ") + 1)));
    expect(new Set(lastColumn).size).toBe(1);
  });

  it("escapes every cell inside one <pre> block", () => {
    const text = renderTable(
      [
        ["job", "error"],
        ["<script>&", "a < b"],
      ],
      { header: "<b>Jobs</b>", lang: EN },
    );

    expect(text).toBe("<b>Jobs</b>\n<pre>job        error\n&lt;script&gt;&amp;  a &lt; b</pre>");
  });

  it("shortens a long cell with an ellipsis instead of widening the table", () => {
    const [, row] = alignColumns([
      ["name", "x"],
      ["a".repeat(50), "x"],
    ]);
    expect(row).toBe(`${"a".repeat(27)}…  x`);
  });

  it("fits a huge table into one message and counts the rest with the hidden ones", () => {
    const rows = [
      ["age", "name"],
      ...Array.from({ length: 400 }, (_, i) => [`${i}m`, `worker_${i}`.padEnd(40, "_")]),
    ];
    const text = renderTable(rows, { header: "<b>Stuck</b>", hidden: 7, lang: EN });
    const shown = text.slice(text.indexOf("<pre>"), text.indexOf("</pre>")).split("\n").length - 1;

    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(moreCount(text)).toBe(400 - shown + 7);
  });
});

describe("durations (the English translator)", () => {
  it.each([
    [0, "0s"],
    [45_000, "45s"],
    [59_999, "59s"],
    [60_000, "1m"],
    [13 * MINUTE, "13m"],
    [2 * HOUR + 13 * MINUTE, "2h 13m"],
    [2 * HOUR, "2h 0m"],
    [23 * HOUR + 59 * MINUTE, "23h 59m"],
    [3 * DAY + 4 * HOUR, "3d 4h"],
    [3 * DAY + 4 * HOUR + 59 * MINUTE, "3d 4h"],
  ])("shows %i ms as %s", (ms, expected) => {
    expect(EN.duration(ms)).toBe(expected);
  });

  it("never shows a negative duration", () => {
    expect(EN.duration(-5_000)).toBe("0s");
  });
});

describe("ages (the English translator)", () => {
  const now = new Date("2025-06-01T12:00:00Z");

  it("says how long ago a past time was, and how soon a future one is", () => {
    expect(EN.age(new Date(now.getTime() - 2 * HOUR - 13 * MINUTE), now)).toBe("2h 13m ago");
    expect(EN.age(new Date(now.getTime() + 5 * MINUTE), now)).toBe("in 5m");
  });

  it("says never for a missing time", () => {
    expect(EN.age(null, now)).toBe("never");
  });
});
