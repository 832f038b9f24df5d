// The bot as a production install runs it (`npm ci --omit=dev`, as in the image): the
// console demo's packages (embedded PostgreSQL, pretty logs, tsx) are absent. A copy of
// the project whose node_modules links only the packages the lock file does not mark
// "dev"; tsx is loaded from the checkout just to run the sources.
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { webhookEnv } from "../kit/build-test-app.js";
import { closedPort } from "../kit/ports.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { spawnBot, type SpawnedBot } from "../kit/spawn-bot.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

let dir: string;
let bot: SpawnedBot | undefined;
let fake: FakeBotApi | undefined;
let database: TestDatabase | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opsbot-production-"));
  for (const entry of ["src", "migrations", "sql", "locales", "package.json", "tsconfig.json"]) {
    await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  const lock = JSON.parse(await readFile(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Top-level packages only ("node_modules/x", "node_modules/@scope/x"): nested ones
    // come along inside their parent's folder.
    if (!/^node_modules\/(@[^/]+\/)?[^/@]+$/.test(path) || entry.dev === true) continue;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await symlink(join(ROOT, path), join(dir, path));
  }
});

afterAll(async () => {
  bot?.child.kill("SIGKILL");
  await fake?.close();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

const runInCopy = (env: Record<string, string>, command: string[]) =>
  spawnBot(env, { stdin: "ignore", cwd: dir, command });

it("says that the console demo needs a checkout when neither a token nor a database is set", async () => {
  bot = runInCopy({}, [process.execPath, "--import", TSX, "src/main.ts"]);
  const { code } = await bot.exited;

  expect(code).toBe(1);
  expect(bot.stderr().trim()).toBe(
    "opsbot failed to start: DATABASE_URL is not set and the embedded demo database is not " +
      "installed here (a production install has no dev dependencies): set DATABASE_URL, or " +
      "try the console demo from a checkout with `npm install && npm start`",
  );
}, 60_000);

it.skipIf(!hasScript)(
  "runs webhook mode on a terminal (as `docker run -it` does) without pino-pretty",
  async () => {
    fake = await startFakeBotApi();
    database = await createTestDatabase();
    const env = webhookEnv(fake, {
      DATABASE_URL: database.connectionString,
      API_HEALTH_URL: `http://127.0.0.1:${await closedPort()}/health`,
    });
    // script(1) gives the bot a terminal for stdout.
    const command = `${process.execPath} --import ${TSX} src/main.ts`;
    bot = runInCopy(env, ["script", "-qefc", command, "/dev/null"]);

    // This test once took 70 s on a loaded machine (2-3 s as a rule): room beyond that.
    await bot.waitFor(/webhook registered/, 120_000);
    expect(fake.callsTo("setWebhook")).toHaveLength(1);
  },
  180_000,
);
