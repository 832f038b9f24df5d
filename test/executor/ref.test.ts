// The guarded executor's first rule: a REF is a git ref name with no room for options, shell
// syntax, path tricks or whitespace; anything else is refused before anything is stored.
import { describe, expect, it } from "vitest";
import { validateRef } from "../../src/executor/ref.js";

describe("validateRef", () => {
  it.each([
    "main",
    "v1.2.3",
    "feature/x-1",
    "release/2026.11",
    "feature/x-1.2",
    "hotfix_42",
    "a",
    "A".repeat(100),
  ])("accepts %j, unchanged", (ref) => {
    expect(validateRef(ref)).toEqual({ ok: true, ref });
  });

  it.each([
    ["an option", "--upload-pack=x", "shape"],
    ["a short option", "-rf", "shape"],
    ["a command separator", "main;id", "shape"],
    ["a command substitution", "$(id)", "shape"],
    ["backticks", "`id`", "shape"],
    ["a space", "a b", "shape"],
    ["a tab", "a\tb", "shape"],
    ["the empty string", "", "shape"],
    ["101 characters", "a".repeat(101), "shape"],
    ["a parent directory", "a/../b", "dot_dot"],
    ["a bare ..", "..", "shape"],
    ["a .lock suffix", "x.lock", "bad_end"],
    ["a nested .lock suffix", "release/x.lock", "bad_end"],
    ["full-width letters", "ｍａｉｎ", "shape"],
    ["a non-ASCII letter", "mainé", "shape"],
    ["a trailing newline", "main\n", "shape"],
    ["a leading newline", "\nmain", "shape"],
    ["a NUL byte", "main\0", "shape"],
    ["a double slash", "a//b", "double_slash"],
    ["a trailing slash", "a/", "bad_end"],
    ["a trailing dot", "a.", "bad_end"],
    ["a leading dot", ".hidden", "shape"],
    ["a component starting with a dot", "a/.b", "dot_part"],
    ["a leading slash", "/etc/passwd", "shape"],
    ["a glob", "main*", "shape"],
    ["a reflog expression", "main@{1}", "shape"],
    ["a tilde", "main~1", "shape"],
    ["a colon", "a:b", "shape"],
  ])("refuses %s (%j), saying which rule it breaks", (_, ref, problem) => {
    expect(validateRef(ref)).toEqual({ ok: false, problem });
  });
});
