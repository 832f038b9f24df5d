// The HTML helpers on plain strings (escapeHtml and fitLines have theirs in test/bot/format.test.ts).
import { describe, expect, it } from "vitest";
import {
  bold,
  code,
  htmlToPlain,
  italic,
  lastLines,
  pre,
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

describe("htmlToPlain", () => {
  it("drops the tags and unescapes the entities", () => {
    expect(htmlToPlain("<b>a &lt;x&gt; &amp; &quot;y&quot;</b> <code>z</code>")).toBe(
      'a <x> & "y" z',
    );
  });
});
