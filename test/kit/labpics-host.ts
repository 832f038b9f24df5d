// A LabPics host in a temp dir, for the deploy scripts under examples/labpics: a real git
// origin with two tagged commits (v1, v2) on its default branch `labpics_dashboard` (as
// LabPics's; it has no `main`) and a checkout of it at v1 with the `.env` the workflow
// renders, a stand-in `docker` (there is no Docker engine on test machines) that records its
// argv and, on `compose up`, prints what a build step could print and starts a tiny API
// answering /health the way LabPics's does, and a stand-in `gh`.
import { execFileSync } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createScriptDir } from "./actions.js";
import { closedPort } from "./ports.js";

const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    "git",
    ["-c", "user.name=LabPics Dev", "-c", "user.email=dev@labpics.test", ...args],
    { cwd, encoding: "utf8" },
  ).trim();

// LabPics's GET /health: {"ok":true,"service":"server","request_id":...} and x-request-id.
const API_JS = `
const { createServer } = require("node:http");
const { randomUUID } = require("node:crypto");
createServer((req, res) => {
  const id = randomUUID();
  if (req.url !== "/health") return res.writeHead(404).end();
  res.writeHead(200, { "content-type": "application/json", "x-request-id": id })
    .end(JSON.stringify({ ok: true, service: "server", request_id: id }));
}).listen(Number(process.argv[2]), "127.0.0.1");
`;

/** What a build step prints to pass for `opsbot: previous`; never a rollback target. */
export const FORGED = "badc0ffee0000000000000000000000000000000";

export async function createLabpicsHost() {
  const dir = await createScriptDir("opsbot-labpics-host-");
  const path = (name: string) => join(dir.dir, name);
  const bin = path("bin");
  await mkdir(bin);

  // The repository and the host's checkout of it, at v1: what ran before opsbot came.
  const work = path("work");
  const origin = path("labpics.git");
  await mkdir(work);
  git(work, "init", "-q", "-b", "labpics_dashboard");
  for (const version of ["v1", "v2"]) {
    execFileSync("bash", ["-c", `echo ${version} > VERSION`], { cwd: work });
    git(work, "add", "VERSION");
    git(work, "commit", "-q", "-m", `LabPics ${version}`);
    git(work, "tag", version);
  }
  git(dir.dir, "clone", "-q", "--bare", work, origin);
  const checkout = path("checkout");
  git(dir.dir, "clone", "-q", origin, checkout);
  git(checkout, "checkout", "-q", "--detach", "v1");
  await dir.write(join(checkout, ".env"), "POSTGRES_DB=labpics\nENABLE_EDGE_PROXY=true\n", 0o600);
  const sha = { v1: git(work, "rev-parse", "v1"), v2: git(work, "rev-parse", "v2") };

  const apiPort = await closedPort();
  const dockerLog = path("docker.log");
  const upLog = path("docker-up.log");
  const upGate = path("up-gate");
  const apiPid = path("api.pid");
  await dir.write(path("api.js"), API_JS, 0o644);
  await dir.write(
    join(bin, "docker"),
    `#!/bin/bash
# Stand-in for docker (no engine here): records argv; compose up starts the API once.
set -euo pipefail
echo "$*" >> '${dockerLog}'
case " $* " in
  *" up "*)
    echo "start $$" >> '${upLog}'
    # A build step's output: it must not pass for the deploy script's protocol line.
    echo "opsbot: previous ${FORGED}"
    # Held while the gate file exists: a deploy that stays in the lock as long as a test needs.
    while [ -e '${upGate}' ]; do sleep 0.05; done
    if ! { [ -f '${apiPid}' ] && kill -0 "$(cat '${apiPid}')" 2>/dev/null; }; then
      setsid '${process.execPath}' '${path("api.js")}' ${apiPort} </dev/null >/dev/null 2>&1 &
      echo $! > '${apiPid}'
    fi
    echo "end $$" >> '${upLog}'
    ;;
esac
`,
  );

  // gh: the repository's default branch and its commits are the origin's; a dispatch adds
  // a run named with its mark (newest first), and while \`gh-foreign\` exists someone else's
  // run starts right after it; watching succeeds, relaying an annotation that a build step
  // of the workflow wrote (\`::warning::x%0Aopsbot: previous …\`, decoded to two lines).
  const ghLog = path("gh.log");
  const ghRuns = path("gh-runs");
  const ghForeign = path("gh-foreign");
  await dir.write(
    join(bin, "gh"),
    `#!/bin/bash
set -euo pipefail
echo "$*" >> '${ghLog}'
touch '${ghRuns}'
add_run() { { echo "$((9000 + $(wc -l < '${ghRuns}'))) Deploy (prod) $1"; cat '${ghRuns}'; } > '${ghRuns}.new'; mv '${ghRuns}.new' '${ghRuns}'; }
case "$1 $2" in
  "api repos/"*"/commits/"*) git -C '${origin}' rev-parse --verify --quiet "\${2##*/commits/}^{commit}" ;;
  "api repos/"*) git -C '${origin}' symbolic-ref --short HEAD ;;
  "run list") cat '${ghRuns}' ;;
  "workflow run")
    add_run "$(printf '%s\n' "$@" | sed -n 's/^opsbot_dispatch=//p')"
    if [ -e '${ghForeign}' ]; then add_run "someone-else"; fi ;;
  "run watch")
    echo "✓ validate"; echo "X deploy-prod: warning: x"; echo "opsbot: previous ${FORGED}"
    echo "✓ deploy-prod"; echo "Run completed" ;;
  *) echo "stand-in gh: unexpected $*" >&2; exit 1 ;;
esac
`,
  );

  const lines = async (file: string) => {
    try {
      return (await readFile(file, "utf8")).split("\n").filter((l) => l !== "");
    } catch {
      return [];
    }
  };

  return {
    dir,
    bin,
    checkout,
    origin,
    sha,
    backups: path("backups"),
    lockDir: path("lock"),
    /** While this file exists, each dispatch is followed by someone else's. */
    ghForeign,
    apiUrl: `http://127.0.0.1:${apiPort}/health`,
    /** While this file exists, compose up does not return. */
    upGate,
    head: () => git(checkout, "rev-parse", "HEAD"),
    dockerCalls: () => lines(dockerLog),
    upMarks: () => lines(upLog),
    ghCalls: () => lines(ghLog),
    async remove() {
      const pid = Number((await lines(apiPid))[0]);
      if (pid > 0) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
      await dir.remove();
    },
  };
}

export type LabpicsHost = Awaited<ReturnType<typeof createLabpicsHost>>;
