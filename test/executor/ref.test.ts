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
    ["an option", "--upload-pack=x"],
    ["a short option", "-rf"],
    ["a command separator", "main;id"],
    ["a command substitution", "$(id)"],
    ["backticks", "`id`"],
    ["a space", "a b"],
    ["a tab", "a\tb"],
    ["the empty string", ""],
    ["101 characters", "a".repeat(101)],
    ["a parent directory", "a/../b"],
    ["a bare ..", ".."],
    ["a .lock suffix", "x.lock"],
    ["a nested .lock suffix", "release/x.lock"],
    ["full-width letters", "ｍａｉｎ"],
    ["a non-ASCII letter", "mainé"],
    ["a trailing newline", "main\n"],
    ["a leading newline", "\nmain"],
    ["a NUL byte", "main\0"],
    ["a double slash", "a//b"],
    ["a trailing slash", "a/"],
    ["a trailing dot", "a."],
    ["a leading dot", ".hidden"],
    ["a component starting with a dot", "a/.b"],
    ["a leading slash", "/etc/passwd"],
    ["a glob", "main*"],
    ["a reflog expression", "main@{1}"],
    ["a tilde", "main~1"],
    ["a colon", "a:b"],
  ])("refuses %s (%j) with a reason", (_, ref) => {
    const check = validateRef(ref);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason.length).toBeGreaterThan(0);
  });
});
