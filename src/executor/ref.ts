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

/** Why a ref is refused; the bot words it in the reader's language. */
export type RefProblem = "shape" | "dot_dot" | "double_slash" | "bad_end" | "dot_part";

export type RefCheck = { ok: true; ref: string } | { ok: false; problem: RefProblem };

export function validateRef(input: string): RefCheck {
  const problem = refProblem(input);
  return problem === undefined ? { ok: true, ref: input } : { ok: false, problem };
}

function refProblem(input: string): RefProblem | undefined {
  if (!SHAPE.test(input)) return "shape";
  if (input.includes("..")) return "dot_dot";
  if (input.includes("//")) return "double_slash";
  if (/(\/|\.|\.lock)$/.test(input)) return "bad_end";
  // git's own rule: no path component may start with a dot.
  if (input.includes("/.")) return "dot_part";
  return undefined;
}
