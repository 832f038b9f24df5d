// The HTML helpers on plain strings (escapeHtml and fitLines have theirs in test/bot/format.test.ts).
import { describe, expect, it } from "vitest";
import {
  bold,
  code,
  htmlToPlain,
  italic,
  lastLines,
  oneLine,
  pre,
  truncateHtml,
  truncateText,
} from "../../../src/bot/format/html.js";

describe("emphasis", () => {
  it("wraps escaped values in Telegram's tags", () => {
    expect(bold("a<b")).toBe("<b>a&lt;b</b>");
    expect(italic("x & y")).toBe("<i>x &amp; y</i>");
    expect(code(42)).toBe("<code>42</code>");
    expect(pre("<pre>")).toBe("<pre>&lt;pre&gt;</pre>");
  });
});

describe("lastLines", () => {
  it("keeps a short text as it is", () => {
    expect(lastLines("one\ntwo", 100)).toBe("one\ntwo");
  });

  it("keeps the end, cut at a line start, marked with an ellipsis", () => {
    expect(lastLines("first line\nsecond\nthird", 14)).toBe("…\nthird");
  });
});

describe("truncateText", () => {
  it("cuts to the limit with an ellipsis, and leaves a short text alone", () => {
    expect(truncateText("abcdef", 4)).toBe("abc…");
    expect(truncateText("abc", 4)).toBe("abc");
  });
});

describe("truncateHtml", () => {
  it("never cuts inside a tag or an entity, and closes the tags left open", () => {
    const html = `<b>Silences</b>\n<code>am:High5xxRate:*</code> by A &amp; B`;
    for (let limit = 4; limit < html.length; limit++) {
      const cut = truncateHtml(html, limit);
      expect(cut.length).toBeLessThanOrEqual(limit);
      expect(cut.endsWith("…") || /…(<\/[a-z]+>)+$/.test(cut)).toBe(true);
      // Every tag is whole and closed; no entity is cut short.
      expect(cut.replace(/<\/?(b|code)>/g, "")).not.toMatch(/[<>]|&(?!amp;)/);
      expect(cut.match(/<b>/g)?.length ?? 0).toBe(cut.match(/<\/b>/g)?.length ?? 0);
      expect(cut.match(/<code>/g)?.length ?? 0).toBe(cut.match(/<\/code>/g)?.length ?? 0);
    }
    expect(truncateHtml(html, 31)).toBe("<b>Silences</b>\n<code>a…</code>");
    expect(truncateHtml(html, html.length)).toBe(html);
  });
});

describe("oneLine", () => {
  it("collapses newlines, tabs and control characters into one space", () => {
    expect(oneLine("Disk\nFull\r\n• injected\t\u0007line\u2028x")).toBe(
      "Disk Full • injected line x",
    );
    expect(oneLine("  plain  ")).toBe("plain");
  });
});

describe("htmlToPlain", () => {
  it("drops the tags and unescapes the entities", () => {
    expect(htmlToPlain("<b>a &lt;x&gt; &amp; &quot;y&quot;</b> <code>z</code>")).toBe(
      'a <x> & "y" z',
    );
  });
});
