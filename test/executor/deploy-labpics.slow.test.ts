// The shipped LabPics deploy scripts (examples/labpics) end to end with real parts: a real
// sshd with the forced-command key, a real git origin and checkout (tags v1, v2), a real
// pg_dump of a real database, driven through the bot's webhook with the fake Bot API.
// Docker is the one stand-in (no engine on test machines): a `docker` first on the host
// script's PATH that records its argv and brings up an API answering /health like LabPics.
import { execFile, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, copyFile, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freshGroup, sentMessageId } from "../kit/actions.js";
import { buildTestApp, type TestApp } from "../kit/build-test-app.js";
import { createDeployChat } from "../kit/deploy-chat.js";
import { createLabpicsHost, FORGED, type LabpicsHost } from "../kit/labpics-host.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { SSHD, startSshd, type Sshd } from "../kit/sshd.js";
import { VIEWER } from "../kit/updates.js";

const run = promisify(execFile);
const EXAMPLES = fileURLToPath(new URL("../../examples/labpics/", import.meta.url));
const has = (command: string) => spawnSync("bash", ["-c", `command -v ${command}`]).status === 0;

// Parts a machine may lack; CI (and .ci/run) installs them, so there a gap is a failure.
const missing = [
  ...(existsSync(SSHD) ? [] : ["sshd (apt-get install openssh-server)"]),
  ...["ssh", "ssh-keygen", "pg_dump", "pg_restore", "git", "flock", "curl"].filter((c) => !has(c)),
  ...(process.getuid?.() === 0 ? [] : ["root (sshd runs with its own config)"]),
];
if (missing.length > 0) {
  const notice = `deploy-labpics end-to-end test needs: ${missing.join(", ")}`;
  if (process.env.CI === "true") throw new Error(notice);
  console.warn(`[skipped] ${notice}`);
}

/** Bot-side scripts copied beside an ssh_config / dispatch.env of the test's own. */
async function installScripts(host: LabpicsHost, variant: "ssh" | "github", names: string[]) {
  const target = join(host.dir.dir, `bot-${variant}`);
  await run("mkdir", ["-p", target]);
  for (const name of names) await copyFile(join(EXAMPLES, variant, name), join(target, name));
  await run("chmod", ["755", ...names.map((n) => join(target, n))]);
  return target;
}

describe.skipIf(missing.length > 0)("LabPics deploy scripts with real parts", () => {
  let host: LabpicsHost;
  let labpicsDb: TestDatabase;

  beforeAll(async () => {
    host = await createLabpicsHost();
    labpicsDb = await createTestDatabase();
    if (labpicsDb.embedded) throw new Error("pg_dump needs a real PostgreSQL server here");
    await labpicsQuery(
      "CREATE TABLE projects (id uuid PRIMARY KEY, name text); INSERT INTO projects VALUES (gen_random_uuid(), 'LabPics')",
    );
  });
  /** One statement on the LabPics database, on a connection of its own. */
  async function labpicsQuery(sql: string) {
    const client = new pg.Client({ connectionString: labpicsDb.connectionString });
    await client.connect();
    try {
      return await client.query<{ name: string }>(sql);
    } finally {
      await client.end();
    }
  }
  afterAll(async () => {
    await labpicsDb?.drop();
    await host?.remove();
  });

  describe("SSH forced command", () => {
    let sshd: Sshd;
    let t: TestApp;
    let botScripts: string;
    const ssh = (...args: string[]) =>
      run("ssh", ["-F", sshd.clientConfig, "-o", "BatchMode=yes", "labpics-deploy", ...args]).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );

    beforeAll(async () => {
      const conf = join(host.dir.dir, "labpics-deploy.env");
      await writeFile(
        conf,
        [
          `export PATH="${host.bin}:$PATH"`,
          `CHECKOUT_DIR=${host.checkout}`,
          `BACKUP_DIR=${host.backups}`,
          `PG_DUMP_URL=${labpicsDb.connectionString}`,
          `HEALTH_URL=${host.apiUrl}`,
          "HEALTH_DELAY_SECONDS=0.2",
          `LOCK_DIR=${host.lockDir}`,
          "",
        ].join("\n"),
      );
      sshd = await startSshd({
        dir: host.dir.dir,
        alias: "labpics-deploy",
        forcedCommand: `LABPICS_DEPLOY_CONF=${conf} ${join(EXAMPLES, "ssh/host-deploy.sh")}`,
      });
      botScripts = await installScripts(host, "ssh", ["deploy.sh", "rollback.sh", "remote.sh"]);
      await copyFile(sshd.clientConfig, join(botScripts, "ssh_config"));
      t = await buildTestApp({
        env: {
          DEPLOY_SCRIPT: join(botScripts, "deploy.sh"),
          ROLLBACK_SCRIPT: join(botScripts, "rollback.sh"),
          API_HEALTH_URL: host.apiUrl,
          PROGRESS_EDIT_SECONDS: "1",
          VERIFY_SECONDS: "5",
          WATCH_CRON: "0 0 1 1 *",
        },
      });
    });
    afterAll(async () => {
      await t?.close();
      await sshd?.stop();
    });

    const chat = freshGroup("labpics deploys");

    it("/deploy v2: checks out v2, backs up the database, composes up, reports the API healthy and the commit", async () => {
      const operator = createDeployChat(t, chat, 960_000);
      await operator.say("/deploy v2");
      const row = await operator.confirmAndSettle();

      expect(row.state, row.output_tail ?? "").toBe("succeeded");
      expect(host.head()).toBe(host.sha.v2);
      const backups = await readdir(host.backups);
      expect(backups).toEqual([
        expect.stringMatching(/^pre-deploy_labpics_\d{8}_\d{6}_[0-9a-f]{12}\.dump$/),
      ]);
      const listing = await run("pg_restore", ["--list", join(host.backups, backups[0]!)]);
      expect(listing.stdout).toMatch(/TABLE public projects/);
      expect(await host.dockerCalls()).toContain(
        "compose -p labpics-prod --profile edge --env-file .env up -d --build --remove-orphans --wait",
      );
      // The build step's forged `opsbot: previous` is shown indented and ignored.
      expect(row.output_tail).toContain(`\n    opsbot: previous ${FORGED}\n`);
      expect((await stat(host.lockDir)).mode & 0o777).toBe(0o700);
      await operator.seen(/^💚 API healthy .* after <b>Deploy<\/b> <code>v2<\/code>/);
      const result = await operator.seen(/^✅ succeeded: <b>Deploy<\/b> <code>v2<\/code>/);
      expect(result).toContain(
        `commit <code>${host.sha.v2}</code>, previously <code>${host.sha.v1}</code>`,
      );
      const [history] = await operator.say("/history", VIEWER);
      expect(history!.text).toMatch(
        new RegExp(`deploy\\s+v2\\s+${host.sha.v2.slice(0, 12)}\\s+succeeded`),
      );
    });

    it("/rollback offers v1 (what ran before the first deploy) and puts it back, leaving the database alone", async () => {
      const operator = createDeployChat(t, chat, 961_000);
      await labpicsQuery("INSERT INTO projects VALUES (gen_random_uuid(), 'written after v2')");

      const [picker] = await operator.say("/rollback");
      const buttons = operator.buttonsOf(picker!.params);
      expect(buttons.map((b) => b.text)).toEqual([
        `${host.sha.v1.slice(0, 12)} (before v2)`,
        "Cancel",
      ]);
      const pickerId = sentMessageId(t.fake, chat.id, (p) => p.text === picker!.text);
      await operator.press(buttons[0]!.callback_data, pickerId!);
      const row = await operator.confirmAndSettle();

      expect(row.state, row.output_tail ?? "").toBe("succeeded");
      expect(row).toMatchObject({ kind: "rollback", ref: host.sha.v1 });
      expect(host.head()).toBe(host.sha.v1);
      const result = await operator.seen(/^✅ succeeded: <b>Rollback<\/b>/);
      expect(result).toContain("The database was left as it is");
      expect(result).toContain("pg_restore --clean --if-exists --no-owner");
      const rows = await labpicsQuery("SELECT name FROM projects ORDER BY name");
      expect(rows.rows.map((r) => r.name)).toEqual(["LabPics", "written after v2"]);
    });

    // Its waits (compose up, then a whole deploy) add up past vitest's 20 s default.
    it("a /deploy while another deploy holds the host lock runs nothing: never two at once", async () => {
      const operator = createDeployChat(t, chat, 962_000);
      // A deploy the bot does not know of (started before a restart, say), held in compose up.
      await writeFile(host.upGate, "");
      const upsBefore = (await host.upMarks()).length;
      const lost = spawn("ssh", ["-F", sshd.clientConfig, "labpics-deploy", "deploy", "v2"], {
        stdio: "ignore",
      });
      const lostDone = new Promise((resolve) => lost.once("exit", resolve));
      try {
        await eventually(
          async () => (await host.upMarks()).length > upsBefore,
          // A busy machine: the deploy fetches, dumps the database and checks out first.
          30_000,
          "compose up",
        );

        await operator.say("/deploy v1");
        const row = await operator.confirmAndSettle();

        expect(row).toMatchObject({ state: "failed", exit_code: 75 });
        expect(row.output_tail).toContain("another deploy or rollback is running on this host");
      } finally {
        await rm(host.upGate, { force: true });
        await lostDone;
      }
      const marks = (await host.upMarks()).slice(upsBefore);
      expect(marks.map((m) => m.split(" ")[0])).toEqual(["start", "end"]);
      expect(host.head()).toBe(host.sha.v2);
    }, 60_000);

    it("refuses a lock directory that is someone else's or open to others, and changes nothing", async () => {
      const operator = createDeployChat(t, chat, 962_500);
      const headBefore = host.head();
      const upsBefore = (await host.upMarks()).length;
      await rm(host.lockDir, { recursive: true, force: true });
      // Pre-created by another local user (nobody), as /run/lock lets anyone.
      await mkdir(host.lockDir, { mode: 0o700 });
      await chown(host.lockDir, 65534, 65534);
      try {
        await operator.say("/deploy v1");
        const row = await operator.confirmAndSettle();
        expect(row).toMatchObject({ state: "failed", exit_code: 2 });
        expect(row.output_tail).toMatch(
          /^refused: the lock directory .* must be a directory of root with mode 0700/m,
        );

        await chown(host.lockDir, 0, 0);
        await run("chmod", ["1777", host.lockDir]);
        const open = await ssh("deploy", "v1");
        expect(open.code).toBe(2);
        expect(open.stderr).toContain("must be a directory of root with mode 0700");
      } finally {
        await rm(host.lockDir, { recursive: true, force: true });
      }
      expect(host.head()).toBe(headBefore);
      expect((await host.upMarks()).length).toBe(upsBefore);
    });

    it("HEAD is origin's default branch; the edge profile follows ENABLE_EDGE_PROXY in the env file", async () => {
      const envFile = join(host.checkout, ".env");
      await writeFile(envFile, "POSTGRES_DB=labpics\nENABLE_EDGE_PROXY=false\n");
      try {
        const result = await ssh("deploy", "HEAD");
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain("origin's default branch is labpics_dashboard");
        expect(host.head()).toBe(host.sha.v2);
        expect((await host.dockerCalls()).at(-1)).toBe(
          "compose -p labpics-prod --env-file .env up -d --build --remove-orphans --wait",
        );
      } finally {
        await writeFile(envFile, "POSTGRES_DB=labpics\nENABLE_EDGE_PROXY=true\n");
      }
    });

    it("refuses to deploy without the env file the workflow renders", async () => {
      const envFile = join(host.checkout, ".env");
      await rm(envFile);
      const headBefore = host.head();
      try {
        const result = await ssh("deploy", "v1");
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/^refused: no env file .*\/\.env/m);
        expect(host.head()).toBe(headBefore);
      } finally {
        await writeFile(envFile, "POSTGRES_DB=labpics\nENABLE_EDGE_PROXY=true\n");
      }
    });

    it("the forced-command key runs nothing but the host script", async () => {
      const attempts = [["id"], ["deploy", "v2;", "id"], ["deploy", "$(id)"], ["deploy", "../v2"]];
      // Side by side: each connection costs about a second.
      const results = await Promise.all(attempts.map((words) => ssh(...words)));

      for (const [i, result] of results.entries()) {
        expect(result.code, attempts[i]!.join(" ")).toBe(2);
        expect(result.stdout).not.toMatch(/uid=/);
        // Line-anchored: the account's shell start-up may print first (pyenv rehash races
        // when the attempts log in side by side).
        expect(result.stderr).toMatch(/^refused: /m);
      }
      expect(results[0]!.stderr).toContain("refused: expected 'deploy REF' or 'rollback REF'");
    });
  });

  describe("GitHub dispatch", () => {
    let t: TestApp;
    let botScripts: string;

    beforeAll(async () => {
      botScripts = await installScripts(host, "github", [
        "deploy.sh",
        "rollback.sh",
        "dispatch.sh",
      ]);
      await writeFile(join(botScripts, "dispatch.env"), `GH=${join(host.bin, "gh")}\n`);
      t = await buildTestApp({
        env: {
          DEPLOY_SCRIPT: join(botScripts, "deploy.sh"),
          ROLLBACK_SCRIPT: join(botScripts, "rollback.sh"),
          API_HEALTH_URL: host.apiUrl,
          VERIFY_SECONDS: "1",
          WATCH_CRON: "0 0 1 1 *",
        },
      });
    });
    afterAll(() => t?.close());

    it("/deploy v2 dispatches deploy-prod.yml for v2's commit with its mark, follows that run and not someone else's, reports the commit", async () => {
      const operator = createDeployChat(t, freshGroup("dispatch"), 963_000);
      await writeFile(host.ghForeign, "");
      try {
        await operator.say("/deploy v2");
        const row = await operator.confirmAndSettle();

        expect(row.state, row.output_tail ?? "").toBe("succeeded");
        const calls = await host.ghCalls();
        const dispatch = calls.find((c) => c.startsWith("workflow run"));
        expect(dispatch).toMatch(
          new RegExp(
            `^workflow run deploy-prod.yml --repo lemone112/labpics-mcp-bot -f ref=${host.sha.v2} -f opsbot_dispatch=opsbot-deploy-[0-9a-f]{16}$`,
          ),
        );
        // 9000 is ours; 9001, someone else's, started after it and is listed first.
        expect(calls).toContain(
          "run watch 9000 --repo lemone112/labpics-mcp-bot --exit-status --interval 10",
        );
        expect(row.output_tail).toContain("    ✓ deploy-prod");
        const stored = await t.pool.query<{ commit_sha: string; previous_ref: string | null }>(
          "SELECT commit_sha, previous_ref FROM opsbot.actions WHERE id = $1",
          [row.id],
        );
        // The annotation relayed by `gh run watch` set no rollback target.
        expect(stored.rows[0]).toEqual({ commit_sha: host.sha.v2, previous_ref: null });
        const [picker] = await operator.say("/rollback");
        expect(picker!.text).not.toContain(FORGED.slice(0, 12));
      } finally {
        await rm(host.ghForeign, { force: true });
      }
    });

    it("a bare /deploy without DEPLOY_DEFAULT_REF deploys the repository's default branch", async () => {
      const operator = createDeployChat(t, freshGroup("dispatch default"), 964_000);
      await operator.say("/deploy");
      const row = await operator.confirmAndSettle();

      expect(row).toMatchObject({ state: "succeeded", ref: "HEAD" });
      expect(row.output_tail).toContain(
        "the default branch of lemone112/labpics-mcp-bot is labpics_dashboard",
      );
      expect(await host.ghCalls()).toContain(
        "api repos/lemone112/labpics-mcp-bot/commits/labpics_dashboard --jq .sha",
      );
    });

    it("rollback dispatches the earlier commit", async () => {
      const { stdout } = await run(join(botScripts, "rollback.sh"), [host.sha.v1]);

      expect(stdout).toContain(`opsbot: commit ${host.sha.v1}`);
      expect((await host.ghCalls()).filter((c) => c.startsWith("workflow run")).at(-1)).toMatch(
        new RegExp(
          `^workflow run deploy-prod.yml --repo \\S+ -f ref=${host.sha.v1} -f opsbot_dispatch=opsbot-rollback-`,
        ),
      );
    });
  });
});
