// The bot SIGKILLed while a deploy script runs: the script, leader of its own process group,
// lives on (re-parented to init). The restarted bot must kill that group before it frees
// the slot, or a second deploy would run beside the first. The bot's secrets come from
// files here, so the script cannot read them from the bot's environment either.
import { readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  actionsIn,
  buttonsOf,
  createScriptDir,
  eventually,
  freshGroup,
  linesOf,
  liveGroupMembers,
  startHealthStub,
  waitForState,
} from "../kit/actions.js";
import { startBotProcess, stopAllBots, webhookEnv } from "../kit/bot-process.js";
import { TEST_SECRET, TEST_TOKEN } from "../kit/build-test-app.js";
import { startFakeBotApi, type FakeBotApi } from "../kit/fake-bot-api.js";
import { createTestDatabase, type TestDatabase } from "../kit/postgres.js";
import { createPool, type Pool } from "../../src/db/pool.js";
import { createUpdates } from "../kit/updates.js";

const updates = createUpdates(640_000);

describe("a deploy whose bot was SIGKILLed", () => {
  let fake: FakeBotApi;
  let database: TestDatabase;
  let admin: Pool;
  let scripts: Awaited<ReturnType<typeof createScriptDir>>;
  let health: Awaited<ReturnType<typeof startHealthStub>>;
  /** The script's group, killed here whatever the test did. */
  let leader = 0;
  beforeAll(async () => {
    fake = await startFakeBotApi();
    database = await createTestDatabase();
    admin = createPool({ connectionString: database.connectionString, max: 2 });
    scripts = await createScriptDir("opsbot-killed-");
    health = await startHealthStub();
  });
  afterAll(async () => {
    if (leader > 0 && (await liveGroupMembers(leader)).length > 0) process.kill(-leader, "SIGKILL");
    await stopAllBots();
    await health.close();
    await admin.end();
    await database.drop();
    await fake.close();
    await scripts.remove();
  });

  it("is killed, group and all, before its slot is freed; its log goes too; no secret was in the bot's environment", async () => {
    const pids = scripts.file("pids");
    const environ = scripts.file("environ");
    // It records its group and what it can read of its parent (the bot), then runs on. It
    // says its last word to the bot before its pids: a write to the killed bot's pipe would
    // kill it (SIGPIPE) and leave its group one short.
    const script = await scripts.write(
      scripts.file("deploy"),
      `#!/bin/bash\ntr '\\0' '\\n' < /proc/$PPID/environ > '${environ}'\necho deploying\nsleep 3600 &\necho "$$ $!" > '${pids}'\nwait\n`,
    );
    const env = webhookEnv(fake, {
      TELEGRAM_BOT_TOKEN_FILE: await scripts.write(scripts.file("token"), `${TEST_TOKEN}\n`, 0o600),
      DATABASE_URL_FILE: await scripts.write(
        scripts.file("db"),
        `${database.connectionString}\n`,
        0o600,
      ),
      TELEGRAM_WEBHOOK_SECRET_FILE: await scripts.write(scripts.file("s"), TEST_SECRET, 0o600),
      DEPLOY_SCRIPT: script,
      ACTION_TIMEOUT_SECONDS: "600",
      API_HEALTH_URL: health.url,
      WATCH_CRON: "* * * * * *",
    });
    delete env.TELEGRAM_BOT_TOKEN;
    delete env.TELEGRAM_WEBHOOK_SECRET;
    const bot = await startBotProcess(env);
    const chat = freshGroup("killed");

    expect((await bot.post(updates.message("/deploy v9.1.0", { chat }))).status).toBe(200);
    const offer = await fake.waitForCall(
      "sendMessage",
      (c) => Number(c.params.chat_id) === chat.id && String(c.params.text).includes("Deploy"),
      10_000,
    );
    const confirm = buttonsOf(offer.params).find((b) => b.text === "Confirm")!.callback_data;
    let messageId = 0;
    await eventually(
      async () => {
        messageId = Number((await actionsIn(admin, chat.id))[0]?.message_id ?? 0);
        return messageId > 0;
      },
      10_000,
      "the offer's message id stored",
    );
    expect((await bot.post(updates.callback(confirm, { chat, messageId }))).status).toBe(200);
    await eventually(async () => (await linesOf(pids)).length === 1, 10_000, "script started");
    leader = Number((await linesOf(pids))[0]!.split(" ")[0]);
    const [action] = await actionsIn(admin, chat.id);
    await eventually(
      async () => (await actionsIn(admin, chat.id))[0]?.script_pgid === leader,
      10_000,
      "the script's group recorded",
    );
    const logDirs = async () =>
      (await readdir(tmpdir())).filter((n) => n.startsWith(`opsbot-${action!.id}-`));
    expect(await logDirs()).toHaveLength(1);

    bot.child.kill("SIGKILL");
    await bot.exited;
    // The script outlived it, as scripts do.
    expect(await liveGroupMembers(leader)).toHaveLength(2);
    // As a minute later: the lease, no longer renewed, has lapsed.
    await admin.query(
      "UPDATE opsbot.actions SET lease_expires_at = now() - interval '1 second' WHERE id = $1",
      [action!.id],
    );

    const restarted = await startBotProcess(env);
    const row = await waitForState(admin, action!.id, ["interrupted"], 20_000);
    // The chat is told last: by then the log directory, removed just after the state is
    // written, is gone too.
    await fake.waitForCall(
      "sendMessage",
      (c) => Number(c.params.chat_id) === chat.id && /was interrupted/.test(String(c.params.text)),
      10_000,
    );
    expect(await liveGroupMembers(leader)).toEqual([]);
    expect(row.finished_at).not.toBeNull();
    expect(await logDirs()).toEqual([]);
    // Logged before the state was written, but its pipe may deliver it after the message.
    await restarted.waitFor(/killed the script of an interrupted action/, 10_000);

    // What the script could read of the bot's environment held no secret.
    const parentEnv = await readFile(environ, "utf8");
    expect(parentEnv).toContain("DATABASE_URL_FILE=");
    for (const secret of [TEST_TOKEN.split(":")[1]!, TEST_SECRET, database.connectionString]) {
      expect(parentEnv).not.toContain(secret);
    }
    expect((await restarted.terminate()).code).toBe(0);
  }, 90_000);
});
