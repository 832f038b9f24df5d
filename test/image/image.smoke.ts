// The image, proven without a Docker engine (docs/releasing.md, "How the image is proven"):
// the Dockerfile built with buildah on a local stand-in for its base (.ci/image/build.sh),
// then run as its own CMD (.ci/image/run.sh) against PostgreSQL and the fake Bot API: it
// registers its webhook, answers /healthz and one command through the webhook, and stops
// cleanly on SIGTERM. The image's size is reported.
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  expectServesWhoami,
  startBotProcess,
  webhookEnv,
  type BotProcess,
} from "../kit/bot-process.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { closedPort } from "../kit/ports.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";

const run = promisify(execFile);
const has = (command: string) => spawnSync("bash", ["-c", `command -v ${command}`]).status === 0;

// Parts a machine may lack; .ci/run installs them, so under CI a gap is a failure.
const missing = [
  ...["buildah", "debootstrap"].filter((c) => !has(c)),
  ...(process.getuid?.() === 0 ? [] : ["root (buildah builds as root here)"]),
];
if (missing.length > 0) {
  const notice = `image smoke test needs: ${missing.join(", ")} (apt-get install buildah debootstrap)`;
  if (process.env.CI === "true") throw new Error(notice);
  console.warn(`[skipped] ${notice}`);
}

/** buildah with the CI store, as the scripts under .ci/image use it. */
const buildah = async (...args: string[]) =>
  (
    await run("bash", ["-c", 'source .ci/image/lib.sh && ci_buildah "$@"', "buildah", ...args], {
      maxBuffer: 16 * 1024 * 1024,
    })
  ).stdout.trim();

let fake: FakeBotApi;
let database: TestDatabase;
let bot: BotProcess | undefined;

beforeAll(async () => {
  if (missing.length > 0) return;
  const built = await run("bash", [".ci/image/build.sh"], { maxBuffer: 16 * 1024 * 1024 });
  // The size, for the CI log (and docs/releasing.md).
  console.log(built.stdout.trim().split("\n").at(-1));
  fake = await startFakeBotApi();
  database = await createTestDatabase();
});

afterAll(async () => {
  await bot?.terminate(10_000);
  await fake?.close();
  await database?.drop();
});

it.skipIf(missing.length > 0)(
  "the built image keeps the Dockerfile's user, command and health check",
  async () => {
    const image = JSON.parse(
      await buildah("inspect", "--type", "image", "localhost/opsbot:ci"),
    ) as { Docker: { config: { User: string; Cmd: string[]; Healthcheck?: { Test: string[] } } } };
    const config = image.Docker.config;
    expect(config.User).toBe("node");
    expect(config.Cmd).toEqual(["node", "dist/main.js"]);
    expect(config.Healthcheck?.Test.join(" ")).toContain("/healthz");
  },
);

it.skipIf(missing.length > 0)(
  "the image starts in webhook mode, is healthy, answers a command and stops on SIGTERM",
  async () => {
    const env = webhookEnv(fake, {
      DATABASE_URL: database.connectionString,
      API_HEALTH_URL: `http://127.0.0.1:${await closedPort()}/health`,
    });
    bot = await startBotProcess(env, {
      command: ["bash", ".ci/image/run.sh", ...Object.keys(env)],
      timeoutMs: 120_000,
    });

    await expectServesWhoami(bot, fake);
    expect(bot.logs().find((e) => e.msg === "database schema ready")).toBeDefined();

    const exit = await bot.terminate(30_000);
    expect(exit.code).toBe(0);
    // The signal reached the bot itself: its own shutdown ran.
    expect(bot.logs().find((e) => e.msg === "shutting down")).toMatchObject({ signal: "SIGTERM" });
  },
);
