/**
 * A deploy ref as the executor accepts it: a git ref name with no room for options (`-x`), shell
 * syntax, path tricks or whitespace. Checked before anything is stored or run.
 */
const SHAPE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;

/**
 * What a bare /deploy asks for when DEPLOY_DEFAULT_REF is unset: the scripts read it as
 * origin's default branch, resolved when they run (git's origin/HEAD, GitHub's default_branch).
 */
export const ORIGIN_DEFAULT_BRANCH = "HEAD";

export type RefCheck = { ok: true; ref: string } | { ok: false; reason: string };

export function validateRef(input: string): RefCheck {
  if (!SHAPE.test(input)) {
    return {
      ok: false,
      reason: "must be 1-100 of A-Z a-z 0-9 . _ / -, starting with a letter or digit",
    };
  }
  if (input.includes("..")) return { ok: false, reason: 'must not contain ".."' };
  if (input.includes("//")) return { ok: false, reason: 'must not contain "//"' };
  if (/(\/|\.|\.lock)$/.test(input))
    return { ok: false, reason: 'must not end in "/", "." or ".lock"' };
  // git's own rule: no path component may start with a dot.
  if (input.includes("/.")) return { ok: false, reason: 'no part may start with "."' };
  return { ok: true, ref: input };
}
