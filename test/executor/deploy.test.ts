// The guarded deploy end to end: /deploy through the real
// webhook, Confirm/Cancel presses as Telegram sends them, real scripts in a temp dir run as
// child processes, real PostgreSQL underneath, the fake Bot API recording what the chat saw.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Chat, Update, User } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REFUSAL } from "../kit/english.js";
import { MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import { formatUtc } from "../../src/clock.js";
import type { Action } from "../../src/executor/actions-store.js";
import { hostIdentity, startTicksOf } from "../../src/executor/process-group.js";
import {
  actionById,
  actionsIn,
  answerTo,
  auditFaultsLeft,
  auditOf,
  buttonsOf,
  createScriptDir,
  eventually,
  failAuditWrites,
  freshGroup,
  insertAction,
  isAlive,
  linesOf,
  liveGroupMembers,
  startHealthStub,
  textsIn,
  waitForState,
  type ActionRecord,
  type SentText,
} from "../kit/actions.js";
import { buildTestApp, TEST_SECRET, TEST_TOKEN, type TestApp } from "../kit/build-test-app.js";
import { pressIn, sayIn } from "../kit/deploy-chat.js";
import { peakRssGrowth } from "../kit/memory.js";
import { createTestDatabase } from "../kit/postgres.js";
import { createUpdates, OPERATOR, SECOND_OPERATOR, STRANGER, VIEWER } from "../kit/updates.js";

const updates = createUpdates(910_000);
/** A valid cron that does not come round during the run: the watcher stays out of the way. */
const NEVER_CRON = "0 0 1 1 *";
const FINAL = ["succeeded", "failed", "timed_out", "interrupted"];

let scripts: Awaited<ReturnType<typeof createScriptDir>>;
let health: Awaited<ReturnType<typeof startHealthStub>>;
beforeAll(async () => {
  scripts = await createScriptDir("opsbot-deploy-");
  health = await startHealthStub();
});
afterAll(async () => {
  await health.close();
  await scripts.remove();
});

const baseEnv = (deployScript: string) => ({
  DEPLOY_SCRIPT: deployScript,
  API_HEALTH_URL: health.url,
  PROGRESS_EDIT_SECONDS: "1",
  VERIFY_SECONDS: "2",
  WATCH_CRON: NEVER_CRON,
});

// ---------------------------------------------------------------------------------------
// Talking to the bot.

async function post(t: TestApp, update: Update): Promise<void> {
  const res = await t.post(update);
  expect(res.status).toBe(200);
}

/** Sends a message and returns what the bot sent to that chat in answer. */
const say = (t: TestApp, text: string, from: User, chat: Chat) =>
  sayIn(t, updates, chat, text, from);

interface Offer {
  id: string;
  text: string;
  confirm: string;
  cancel: string;
  messageId: number;
  row: ActionRecord;
}

/** /deploy REF, expecting the Confirm/Cancel offer; returns its buttons and stored action. */
async function requestDeploy(
  t: TestApp,
  ref: string,
  chat: Chat,
  from: User = OPERATOR,
): Promise<Offer> {
  const replies = await say(t, `/deploy ${ref}`, from, chat);
  expect(replies).toHaveLength(1);
  const reply = replies[0]!;
  const buttons = buttonsOf(reply.params);
  expect(buttons.map((b) => b.text)).toEqual(["Confirm", "Cancel"]);
  const confirm = buttons[0]!.callback_data;
  const cancel = buttons[1]!.callback_data;
  const id = /^act:ok:([0-9a-f-]{36})$/.exec(confirm)?.[1];
  expect(id).toBeDefined();
  expect(cancel).toBe(`act:no:${id}`);
  const row = (await actionById(t.pool, id!))!;
  expect(row).toMatchObject({ state: "pending", kind: "deploy", ref, chat_id: chat.id });
  expect(row.message_id).not.toBeNull();
  return { id: id!, text: reply.text, confirm, cancel, messageId: row.message_id!, row };
}

interface PressOptions {
  from?: User;
  chat: Chat;
  messageId: number;
}

/** Presses a button; returns the answerCallbackQuery the press got. */
const press = (t: TestApp, data: string, options: PressOptions) =>
  pressIn(t, updates, options.chat, { data, ...options });

const isEdit = (m: SentText) => m.method.toLowerCase() === "editmessagetext";
const FINAL_MARK = /^(✅ succeeded|❌ failed|⏱ timed out|⚠️ interrupted)/;

/** Waits for the action's end: final state, final edit and (after a good deploy) the verdict. */
async function settle(t: TestApp, id: string, timeoutMs = 15_000): Promise<ActionRecord> {
  const row = await waitForState(t.pool, id, FINAL, timeoutMs);
  await eventually(
    () =>
      textsIn(t.fake, row.chat_id).some(
        (m) => isEdit(m) && m.message_id === row.message_id && FINAL_MARK.test(m.text),
      ),
    5_000,
    "the final edit",
  );
  if (row.kind === "deploy" && row.state === "succeeded") {
    await eventually(
      () => textsIn(t.fake, row.chat_id).some((m) => /API (not )?healthy/.test(m.text)),
      8_000,
      "the verification message",
    );
  }
  return row;
}

const counterScript = (counter: string, extra = "") =>
  `#!/bin/bash\necho "run $1" >> '${counter}'\necho "deploying $1"\n${extra}\n`;

/** Polls the audit trail: some steps are written just after the state change. */
async function auditEvents(t: TestApp, id: string): Promise<string[]> {
  return (await auditOf(t.pool, id)).map((a) => a.event);
}

// ---------------------------------------------------------------------------------------

describe("deploy through the webhook", () => {
  let t: TestApp;
  let deployScript: string;
  /** Points DEPLOY_SCRIPT at this body for the next run. */
  const useScript = (body: string, mode = 0o755) => scripts.write(deployScript, body, mode);

  beforeAll(async () => {
    deployScript = `${scripts.dir}/deploy.sh`;
    await useScript("#!/bin/bash\necho ok\n");
    t = await buildTestApp({ env: baseEnv(deployScript) });
  });
  afterAll(() => t.close());
  afterEach(() => {
    health.state.healthy = true;
  });

  describe("who may ask, and for what", () => {
    it.each([
      ["a viewer", VIEWER],
      ["a stranger", STRANGER],
    ])("refuses /deploy from %s and stores nothing", async (_, user) => {
      const chat = freshGroup();
      const counter = scripts.file("counter");
      await useScript(counterScript(counter));

      const replies = await say(t, "/deploy main", user, chat);

      expect(replies.map((r) => r.text)).toEqual([REFUSAL]);
      expect(buttonsOf(replies[0]!.params)).toEqual([]);
      expect(await actionsIn(t.pool, chat.id)).toEqual([]);
      expect(await linesOf(counter)).toEqual([]);
    });

    it.each([
      ["--upload-pack=x"],
      ["-rf"],
      ["main;id"],
      ["$(id)"],
      ["a b"],
      ["a".repeat(101)],
      ["a/../b"],
      ["x.lock"],
      ["ｍａｉｎ"],
      ["main\n"],
      ["a//b"],
      ["a/"],
      ["a."],
      [".hidden"],
      ["a/.b"],
      ["`id`"],
    ])("refuses the hostile ref %j before anything is stored or run", async (ref) => {
      const chat = freshGroup();
      const counter = scripts.file("counter");
      await useScript(counterScript(counter));

      const replies = await say(t, `/deploy ${ref}`, OPERATOR, chat);

      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toMatch(/^⛔ Refused: the ref .+\. Nothing was run\.$/s);
      expect(buttonsOf(replies[0]!.params)).toEqual([]);
      expect(await actionsIn(t.pool, chat.id)).toEqual([]);
      expect(await linesOf(counter)).toEqual([]);
    });

    it("offers HEAD (origin's default branch) when /deploy has no argument and DEPLOY_DEFAULT_REF is unset", async () => {
      const chat = freshGroup();

      const replies = await say(t, "/deploy", OPERATOR, chat);

      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain("<code>HEAD</code>");
      expect((await actionsIn(t.pool, chat.id)).map((r) => [r.ref, r.state])).toEqual([
        ["HEAD", "pending"],
      ]);
    });

    const NOT_EXECUTABLE =
      "⚙️ deploy is not configured (DEPLOY_SCRIPT is not an executable file). Nothing was stored.";
    const withoutDeployScript = () => {
      const env: Record<string, string> = { ...baseEnv(deployScript) };
      delete env.DEPLOY_SCRIPT;
      return env;
    };
    // Each case readies the app to ask: this one with its script changed, or one of its own.
    it.each([
      [
        "is not executable",
        NOT_EXECUTABLE,
        async () => {
          await useScript("#!/bin/bash\necho hi\n", 0o644);
          return t;
        },
      ],
      [
        "does not exist",
        NOT_EXECUTABLE,
        async () => {
          await rm(deployScript);
          return t;
        },
      ],
      [
        "is not set",
        "⚙️ deploy is not configured (DEPLOY_SCRIPT is not set). Nothing was stored.",
        () => buildTestApp({ env: withoutDeployScript(), database: t.database, fake: t.fake }),
      ],
      [
        "is a directory",
        NOT_EXECUTABLE,
        () => buildTestApp({ env: baseEnv(scripts.dir), database: t.database, fake: t.fake }),
      ],
    ])(
      "answers 'not configured' and stores nothing when DEPLOY_SCRIPT %s",
      async (_case, expected, appToAsk) => {
        const chat = freshGroup();
        const app = await appToAsk();
        try {
          const replies = await say(app, "/deploy main", OPERATOR, chat);
          expect(replies.map((r) => r.text)).toEqual([expected]);
          expect(buttonsOf(replies[0]!.params)).toEqual([]);
          expect(await actionsIn(t.pool, chat.id)).toEqual([]);
        } finally {
          if (app !== t) await app.close();
          await useScript("#!/bin/bash\necho ok\n");
        }
      },
    );

    it("offers Confirm/Cancel holding only the action id, stored pending for CONFIRM_TTL_SECONDS", async () => {
      const chat = freshGroup();
      const offer = await requestDeploy(t, "v1.2.3", chat);

      expect(offer.text).toBe(
        "🚀 <b>Deploy</b> <code>v1.2.3</code> requested by @olga_ops.\nConfirm within 2m.",
      );
      expect(offer.row.expires_at.getTime() - offer.row.created_at.getTime()).toBe(120_000);
      expect(offer.row).toMatchObject({
        requested_by: OPERATOR.id,
        requested_by_name: "@olga_ops",
        confirmed_by: null,
        started_at: null,
      });
      expect(Buffer.byteLength(offer.confirm)).toBeLessThanOrEqual(64);
      expect(await auditEvents(t, offer.id)).toEqual(["requested"]);
    });

    it("answers the press, runs the script, edits progress, then the result and the API verdict", async () => {
      const chat = freshGroup();
      await useScript(`#!/bin/bash\necho "step one for $1"\nsleep 2.5\necho "step two"\n`);
      const offer = await requestDeploy(t, "main", chat);
      const firstCall = t.fake.calls.length;

      const answer = await press(t, offer.confirm, { chat, messageId: offer.messageId });
      expect(answer.text).toBe("Confirmed: running.");
      expect(answer.show_alert).toBeUndefined();
      const row = await settle(t, offer.id);

      expect(row).toMatchObject({
        state: "succeeded",
        exit_code: 0,
        confirmed_by: OPERATOR.id,
        confirmed_by_name: "@olga_ops",
      });
      expect(row.lease_expires_at).toBeNull();
      expect(row.output_tail).toBe("step one for main\nstep two\n");

      const later = t.fake.calls.slice(firstCall);
      // Answered first; then edited to "running" before any report of the run.
      const answered = later.findIndex((c) => c.method === "answerCallbackQuery");
      const edits = later.filter(
        (c) => c.method === "editMessageText" && Number(c.params.chat_id) === chat.id,
      );
      expect(answered).toBeLessThan(later.indexOf(edits[0]!));
      expect(edits.every((c) => Number(c.params.message_id) === offer.messageId)).toBe(true);
      const editTexts = edits.map((c) => String(c.params.text));
      expect(editTexts[0]).toMatch(
        /^⏳ <b>Deploy<\/b> <code>main<\/code> running for 0s — confirmed by @olga_ops$/,
      );
      const progress = editTexts.slice(1, -1);
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(progress[0]).toContain("<pre>step one for main</pre>");
      expect(editTexts.at(-1)).toMatch(
        /^✅ succeeded: <b>Deploy<\/b> <code>main<\/code> in [23]s \(exit 0\)\n<pre>step one for main\nstep two<\/pre>$/,
      );
      const verdict = textsIn(t.fake, chat.id)
        .filter((m) => !isEdit(m))
        .at(-1)!;
      expect(verdict.text).toMatch(
        /^💚 API healthy \ds after <b>Deploy<\/b> <code>main<\/code>\.$/,
      );
      expect(
        t.fake.callsTo("sendDocument").filter((c) => Number(c.params.chat_id) === chat.id),
      ).toEqual([]);

      await eventually(async () => (await auditEvents(t, offer.id)).includes("verified"));
      const audit = await auditOf(t.pool, offer.id);
      expect(audit.map((a) => a.event)).toEqual([
        "requested",
        "confirmed",
        "started",
        "finished",
        "verified",
      ]);
      expect(audit[1]).toMatchObject({ actor_id: OPERATOR.id, actor_name: "@olga_ops" });
      expect(audit[3]!.detail).toMatchObject({ outcome: "succeeded", exitCode: 0 });
      expect(audit[4]!.detail).toMatchObject({ healthy: true });
    });

    it("edits progress at most every PROGRESS_EDIT_SECONDS however fast the script prints", async () => {
      const chat = freshGroup();
      await useScript(`#!/bin/bash\nfor i in $(seq 1 40); do echo "line $i"; sleep 0.05; done\n`);
      const offer = await requestDeploy(t, "main", chat);

      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      await settle(t, offer.id);

      const edits = textsIn(t.fake, chat.id).filter(isEdit);
      const progress = edits.filter((e) => e.text.startsWith("⏳") && e.text.includes("<pre>"));
      // About 3 s of printing: one edit a second, not one a line.
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(progress.length).toBeLessThanOrEqual(5);
      const at = t.fake.calls
        .filter((c) => c.method === "editMessageText" && Number(c.params.chat_id) === chat.id)
        .filter((c) => String(c.params.text).includes("<pre>line"))
        .map((c) => c.at);
      for (let i = 1; i < at.length - 1; i++) {
        expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(900);
      }
      expect(edits.at(-1)!.text).toMatch(/line 40<\/pre>$/);
    });

    it("reports a failing script as failed with its exit code and last lines, and verifies nothing", async () => {
      const chat = freshGroup();
      await useScript(`#!/bin/bash\necho "migrating"\necho "boom: <table> & co" >&2\nexit 3\n`);
      const offer = await requestDeploy(t, "main", chat);

      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      const row = await settle(t, offer.id);

      expect(row).toMatchObject({ state: "failed", exit_code: 3 });
      const final = textsIn(t.fake, chat.id).filter(isEdit).at(-1)!;
      expect(final.text).toMatch(/^❌ failed: <b>Deploy<\/b> <code>main<\/code> in \ds \(exit 3\)/);
      expect(final.text).toContain("boom: &lt;table&gt; &amp; co");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(textsIn(t.fake, chat.id).some((m) => /API/.test(m.text))).toBe(false);
      expect(await auditEvents(t, offer.id)).toEqual([
        "requested",
        "confirmed",
        "started",
        "finished",
      ]);
    });

    it("passes the ref as exactly one argv element, byte for byte", async () => {
      const chat = freshGroup();
      const out = scripts.file("argv");
      await useScript(
        `#!/bin/bash\nprintf '%s' "$#" > '${out}.argc'\nprintf '%s' "$1" > '${out}.arg'\n`,
      );
      const offer = await requestDeploy(t, "feature/x-1.2", chat);

      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      expect((await settle(t, offer.id)).state).toBe("succeeded");

      expect(await readFile(`${out}.argc`, "utf8")).toBe("1");
      expect(await readFile(`${out}.arg`)).toEqual(Buffer.from("feature/x-1.2"));
    });

    it("gives the script PATH, HOME and OPSBOT_* only: no token, database URL, secret or other env", async () => {
      const chat = freshGroup();
      const out = scripts.file("env");
      // Node, not bash: bash would add PWD, SHLVL and _ of its own.
      await useScript(
        `#!${process.execPath}\nrequire("node:fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env));\n`,
      );
      // As in production, where main.ts reads these from the environment.
      const planted = {
        TELEGRAM_BOT_TOKEN: TEST_TOKEN,
        DATABASE_URL: t.database.connectionString,
        TELEGRAM_WEBHOOK_SECRET: TEST_SECRET,
        OPSBOT_CANARY: "must-not-leak",
      };
      const saved = Object.fromEntries(Object.keys(planted).map((k) => [k, process.env[k]]));
      Object.assign(process.env, planted);
      try {
        const offer = await requestDeploy(t, "release/2026.11", chat);
        await press(t, offer.confirm, { chat, messageId: offer.messageId });
        expect((await settle(t, offer.id)).state).toBe("succeeded");
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }

      const raw = await readFile(out, "utf8");
      const env = JSON.parse(raw) as Record<string, string>;
      expect(Object.keys(env).sort()).toEqual([
        "HOME",
        "OPSBOT_ACTION",
        "OPSBOT_NONCE",
        "OPSBOT_REF",
        "OPSBOT_REQUESTED_BY",
        "PATH",
      ]);
      expect(env.OPSBOT_NONCE).toMatch(/^[0-9a-f]{32}$/);
      expect(env).toEqual({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        OPSBOT_ACTION: "deploy",
        OPSBOT_REF: "release/2026.11",
        OPSBOT_REQUESTED_BY: "@olga_ops",
        OPSBOT_NONCE: env.OPSBOT_NONCE,
      });
      for (const secret of [
        TEST_TOKEN,
        TEST_SECRET,
        t.database.connectionString,
        "must-not-leak",
      ]) {
        expect(raw).not.toContain(secret);
      }
    });

    it("keeps the bot's memory flat under 200 MB of output, cuts the final edit, attaches the log", async () => {
      const chat = freshGroup();
      await useScript(
        `#!/bin/bash\nhead -c 200000000 /dev/zero | tr '\\0' 'x'\necho\necho "the end"\n`,
      );
      const offer = await requestDeploy(t, "main", chat);
      const growth = await peakRssGrowth(async () => {
        await press(t, offer.confirm, { chat, messageId: offer.messageId });
        const row = await settle(t, offer.id, 30_000);
        expect(row.state).toBe("succeeded");
      });

      // Growth below the 200 MB printed, as in runner.test.ts: output that was kept would
      // weigh at least 200 MB.
      expect(growth).toBeLessThan(150 * 1024 * 1024);
      const final = textsIn(t.fake, chat.id).filter(isEdit).at(-1)!;
      expect(final.text).toMatch(/^✅ succeeded/);
      expect(final.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(final.text).toContain("the end</pre>");
      expect(final.text).toContain("<i>Full log attached.</i>");
      const documents = t.fake
        .callsTo("sendDocument")
        .filter((c) => Number(c.params.chat_id) === chat.id);
      expect(documents).toHaveLength(1);
      const document = documents[0]!.params.document as { name: string; size: number };
      expect(document.name).toBe("deploy-main.log");
      expect(document.size).toBeGreaterThan(1024 * 1024);
      expect(document.size).toBeLessThanOrEqual(5 * 1024 * 1024 + 100);
      expect(documents[0]!.params.caption).toBe("Output of deploy main");
      for (const edit of textsIn(t.fake, chat.id).filter(isEdit)) {
        expect(edit.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      }
    }, 40_000);
  });

  describe("once and only once", () => {
    it("a viewer's Confirm is refused with an alert; nothing runs and it stays pending", async () => {
      const chat = freshGroup();
      const counter = scripts.file("counter");
      await useScript(counterScript(counter));
      const offer = await requestDeploy(t, "main", chat);

      const answer = await press(t, offer.confirm, {
        chat,
        from: VIEWER,
        messageId: offer.messageId,
      });

      expect(answer).toMatchObject({ text: REFUSAL, show_alert: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await actionById(t.pool, offer.id))!.state).toBe("pending");
      expect(await linesOf(counter)).toEqual([]);
      expect(textsIn(t.fake, chat.id).filter(isEdit)).toEqual([]);
    });

    it("a viewer's Cancel is refused; it stays pending", async () => {
      const chat = freshGroup();
      const offer = await requestDeploy(t, "main", chat);

      const answer = await press(t, offer.cancel, {
        chat,
        from: VIEWER,
        messageId: offer.messageId,
      });

      expect(answer).toMatchObject({ text: REFUSAL, show_alert: true });
      expect((await actionById(t.pool, offer.id))!.state).toBe("pending");
      expect(await auditEvents(t, offer.id)).toEqual(["requested"]);
    });

    it("a double tap runs the script once", async () => {
      const chat = freshGroup();
      const counter = scripts.file("counter");
      await useScript(counterScript(counter, "sleep 0.3"));
      const offer = await requestDeploy(t, "main", chat);

      const first = await press(t, offer.confirm, { chat, messageId: offer.messageId });
      const second = await press(t, offer.confirm, { chat, messageId: offer.messageId });
      await settle(t, offer.id);

      expect(first.text).toBe("Confirmed: running.");
      expect(second).toMatchObject({ text: "This action was already handled.", show_alert: true });
      expect(await linesOf(counter)).toEqual(["run main"]);
      const events = await auditEvents(t, offer.id);
      expect(events.filter((e) => e === "confirmed")).toHaveLength(1);
      expect(events.filter((e) => e === "started")).toHaveLength(1);
    });

    it("two operators confirming at once run it once", async () => {
      const chat = freshGroup();
      const counter = scripts.file("counter");
      await useScript(counterScript(counter, "sleep 0.3"));
      const offer = await requestDeploy(t, "main", chat);

      const presses = [OPERATOR, SECOND_OPERATOR].map((from) =>
        updates.callback(offer.confirm, { from, chat, messageId: offer.messageId }),
      );
      await Promise.all(presses.map((u) => post(t, u)));
      const row = await settle(t, offer.id);

      const answers = presses.map((u) => answerTo(t.fake, u.update_id)?.text).sort();
      expect(answers).toEqual(["Confirmed: running.", "This action was already handled."]);
      expect(await linesOf(counter)).toEqual(["run main"]);
      const rows = await actionsIn(t.pool, chat.id);
      expect(rows.map((r) => r.state)).toEqual(["succeeded"]);
      expect([OPERATOR.id, SECOND_OPERATOR.id]).toContain(row.confirmed_by);
      expect((await auditEvents(t, offer.id)).filter((e) => e === "started")).toHaveLength(1);
    });

    it("two replicas receiving a Confirm each run it once", async () => {
      const replica = await buildTestApp({
        env: baseEnv(deployScript),
        database: t.database,
        fake: t.fake,
      });
      try {
        const chat = freshGroup();
        const counter = scripts.file("counter");
        await useScript(counterScript(counter, "sleep 0.3"));
        const offer = await requestDeploy(t, "main", chat);

        const a = updates.callback(offer.confirm, { chat, messageId: offer.messageId });
        const b = updates.callback(offer.confirm, {
          from: SECOND_OPERATOR,
          chat,
          messageId: offer.messageId,
        });
        await Promise.all([post(t, a), post(replica, b)]);
        await settle(t, offer.id);

        const answers = [a, b].map((u) => answerTo(t.fake, u.update_id)?.text).sort();
        expect(answers).toEqual(["Confirmed: running.", "This action was already handled."]);
        expect(await linesOf(counter)).toEqual(["run main"]);
        expect((await actionsIn(t.pool, chat.id)).map((r) => r.state)).toEqual(["succeeded"]);
      } finally {
        await replica.close();
      }
    });

    it("a Confirm after the expiry marks it expired, edits the message and runs nothing", async () => {
      const chat = freshGroup();
      const counter = scripts.file("counter");
      await useScript(counterScript(counter));
      const offer = await requestDeploy(t, "main", chat);
      await t.pool.query(
        "UPDATE opsbot.actions SET expires_at = now() - interval '1 second' WHERE id = $1",
        [offer.id],
      );

      const answer = await press(t, offer.confirm, { chat, messageId: offer.messageId });

      expect(answer).toMatchObject({
        text: "This request expired. Send the command again.",
        show_alert: true,
      });
      expect((await actionById(t.pool, offer.id))!.state).toBe("expired");
      const edits = textsIn(t.fake, chat.id).filter(isEdit);
      expect(edits.map((e) => e.text)).toEqual([
        "⌛ Expired: <b>Deploy</b> <code>main</code> was not confirmed in time.",
      ]);
      expect(edits[0]!.message_id).toBe(offer.messageId);
      expect(await auditEvents(t, offer.id)).toEqual(["requested", "expired"]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await linesOf(counter)).toEqual([]);
    });

    it("Cancel marks it cancelled and edits the message; a later Confirm is refused", async () => {
      const chat = freshGroup();
      const counter = scripts.file("counter");
      await useScript(counterScript(counter));
      const offer = await requestDeploy(t, "main", chat);

      const cancelled = await press(t, offer.cancel, {
        chat,
        from: SECOND_OPERATOR,
        messageId: offer.messageId,
      });
      const confirmed = await press(t, offer.confirm, { chat, messageId: offer.messageId });

      expect(cancelled.text).toBe("Cancelled.");
      expect(confirmed).toMatchObject({
        text: "This action was already handled.",
        show_alert: true,
      });
      expect((await actionById(t.pool, offer.id))!.state).toBe("cancelled");
      expect(
        textsIn(t.fake, chat.id)
          .filter(isEdit)
          .map((e) => e.text),
      ).toEqual(["✖️ Cancelled by Omar (1002): deploy <code>main</code>."]);
      const audit = await auditOf(t.pool, offer.id);
      expect(audit.map((a) => [a.event, a.actor_id])).toEqual([
        ["requested", OPERATOR.id],
        ["cancelled", SECOND_OPERATOR.id],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await linesOf(counter)).toEqual([]);
    });
  });

  describe("forged presses", () => {
    async function pendingWithCounter(chat: Chat) {
      const counter = scripts.file("counter");
      await useScript(counterScript(counter));
      return { offer: await requestDeploy(t, "main", chat), counter };
    }

    async function expectUntouched(offer: Offer, counter: string, chat: Chat) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await actionById(t.pool, offer.id))!.state).toBe("pending");
      expect(await auditEvents(t, offer.id)).toEqual(["requested"]);
      expect(await linesOf(counter)).toEqual([]);
      expect(textsIn(t.fake, chat.id).filter(isEdit)).toEqual([]);
    }

    it("refuses an unknown action id", async () => {
      const chat = freshGroup();
      const { offer, counter } = await pendingWithCounter(chat);

      const answer = await press(t, `act:ok:${randomUUID()}`, {
        chat,
        messageId: offer.messageId,
      });

      expect(answer).toMatchObject({ text: "This action is not known here.", show_alert: true });
      await expectUntouched(offer, counter, chat);
    });

    it("refuses junk callback data", async () => {
      const chat = freshGroup();
      const { offer, counter } = await pendingWithCounter(chat);

      for (const data of ["act:ok:notauuid", `act:ok:${offer.id}x`, `act:zz:${offer.id}`]) {
        const answer = await press(t, data, { chat, messageId: offer.messageId });
        expect(answer.show_alert).toBe(true);
        expect(answer.text).not.toMatch(/running/i);
      }
      await expectUntouched(offer, counter, chat);
    });

    it("refuses another chat's action pressed from elsewhere (Confirm and Cancel)", async () => {
      const chat = freshGroup();
      const elsewhere = freshGroup("elsewhere");
      const { offer, counter } = await pendingWithCounter(chat);

      const confirm = await press(t, offer.confirm, {
        chat: elsewhere,
        messageId: offer.messageId,
      });
      const cancel = await press(t, offer.cancel, { chat: elsewhere, messageId: offer.messageId });

      expect(confirm).toMatchObject({
        text: "This button does not belong to this action.",
        show_alert: true,
      });
      expect(cancel.show_alert).toBe(true);
      await expectUntouched(offer, counter, chat);
    });

    it("refuses the right id pressed on a different message of the same chat", async () => {
      const chat = freshGroup();
      const { offer, counter } = await pendingWithCounter(chat);

      const answer = await press(t, offer.confirm, { chat, messageId: offer.messageId + 1 });

      expect(answer).toMatchObject({
        text: "This button does not belong to this action.",
        show_alert: true,
      });
      await expectUntouched(offer, counter, chat);
    });
  });

  describe("one at a time", () => {
    /** A script that holds the slot until the test removes the gate. */
    async function holdingScript() {
      const counter = scripts.file("counter");
      const gate = scripts.file("gate");
      await useScript(
        counterScript(counter, `while [ ! -e '${gate}' ]; do sleep 0.05; done\necho released`),
      );
      const release = () => writeFile(gate, "");
      return { counter, release };
    }

    it("refuses a second /deploy while one runs, naming who holds it since when", async () => {
      const chat = freshGroup();
      const { counter, release } = await holdingScript();
      const offer = await requestDeploy(t, "v2.0.0", chat);
      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      try {
        await eventually(async () => (await linesOf(counter)).length === 1);
        const running = (await actionById(t.pool, offer.id))!;
        const since = formatUtc(running.started_at!);

        const replies = await say(t, "/deploy main", SECOND_OPERATOR, chat);

        expect(replies).toHaveLength(1);
        expect(replies[0]!.text).toMatch(
          new RegExp(
            `^⛔ Another action is running: <b>Deploy</b> <code>v2\\.0\\.0</code> by @olga_ops since ${since} \\(\\ds ago\\)\\. One at a time\\.$`,
          ),
        );
        expect(buttonsOf(replies[0]!.params)).toEqual([]);
        expect((await actionsIn(t.pool, chat.id)).map((r) => r.ref)).toEqual(["v2.0.0"]);
      } finally {
        await release();
      }
      await settle(t, offer.id);
      expect(await linesOf(counter)).toEqual(["run v2.0.0"]);
    });

    it("refuses a second action's Confirm while another runs; it stays pending and runs later", async () => {
      const chat = freshGroup();
      const { counter, release } = await holdingScript();
      const first = await requestDeploy(t, "v3.0.0", chat);
      const second = await requestDeploy(t, "v3.0.1", chat, SECOND_OPERATOR);
      await press(t, first.confirm, { chat, messageId: first.messageId });
      let answer: Record<string, unknown>;
      try {
        await eventually(async () => (await linesOf(counter)).length === 1);

        answer = await press(t, second.confirm, {
          chat,
          from: SECOND_OPERATOR,
          messageId: second.messageId,
        });

        expect((await actionById(t.pool, second.id))!.state).toBe("pending");
      } finally {
        await release();
      }
      expect(answer.show_alert).toBe(true);
      expect(String(answer.text)).toMatch(
        /^⛔ Another action is running: Deploy v3\.0\.0 by @olga_ops since .+ UTC/,
      );
      expect(String(answer.text).length).toBeLessThanOrEqual(200);
      await settle(t, first.id);
      expect(await linesOf(counter)).toEqual(["run v3.0.0"]);

      // The slot is free again: the refused action can still be confirmed.
      await press(t, second.confirm, { chat, from: SECOND_OPERATOR, messageId: second.messageId });
      await settle(t, second.id);
      expect(await linesOf(counter)).toEqual(["run v3.0.0", "run v3.0.1"]);
    });
  });

  describe("interrupted, never re-run", () => {
    /** A pending deploy turned into one whose process died right after claiming it. */
    async function orphaned(chat: Chat) {
      const counter = scripts.file("counter");
      await useScript(counterScript(counter));
      const offer = await requestDeploy(t, "v4.0.0", chat);
      await t.pool.query(
        `UPDATE opsbot.actions SET state = 'running', confirmed_by = $2, confirmed_by_name = 'Omar',
           started_at = now() - interval '10 minutes', lease_expires_at = now() - interval '1 minute'
         WHERE id = $1`,
        [offer.id, SECOND_OPERATOR.id],
      );
      return { offer, counter };
    }

    it("on start-up marks a lapsed running action interrupted and says so in its chat", async () => {
      const chat = freshGroup();
      const { offer, counter } = await orphaned(chat);

      const restarted = await buildTestApp({
        env: baseEnv(deployScript),
        database: t.database,
        fake: t.fake,
      });
      try {
        const row = await waitForState(t.pool, offer.id, ["interrupted"], 5_000);
        expect(row.lease_expires_at).toBeNull();
        await eventually(() =>
          textsIn(t.fake, chat.id).some((m) => !isEdit(m) && /interrupted/.test(m.text)),
        );
        const notice = textsIn(t.fake, chat.id)
          .filter((m) => !isEdit(m))
          .at(-1)!;
        expect(notice.text).toBe(
          "⚠️ <b>Deploy</b> <code>v4.0.0</code> was interrupted: the bot stopped while it ran. It was not re-run; check the target before running it again.",
        );
        expect(await auditEvents(t, offer.id)).toEqual(["requested", "interrupted"]);
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(await linesOf(counter)).toEqual([]);
        // Confirm on the old message does not bring it back.
        const answer = await press(restarted, offer.confirm, { chat, messageId: offer.messageId });
        expect(answer.show_alert).toBe(true);
        expect((await actionById(t.pool, offer.id))!.state).toBe("interrupted");
        expect(await linesOf(counter)).toEqual([]);
      } finally {
        await restarted.close();
      }
    });

    it("a watcher tick reaps a lapsed lease the same way", async () => {
      const chat = freshGroup();
      const { offer, counter } = await orphaned(chat);

      const outcome = await t.app.watcher.tick(`deploy-test:${randomUUID()}`);

      expect(outcome).toBe("ok");
      expect((await actionById(t.pool, offer.id))!.state).toBe("interrupted");
      await eventually(() =>
        textsIn(t.fake, chat.id).some((m) => !isEdit(m) && /was interrupted/.test(m.text)),
      );
      expect(await linesOf(counter)).toEqual([]);
    });

    it("a replica whose clock runs ahead does not interrupt a deploy that is alive", async () => {
      const chat = freshGroup();
      const gate = scripts.file("gate");
      await useScript(`#!/bin/bash\nwhile [ ! -e '${gate}' ]; do sleep 0.05; done\n`);
      const offer = await requestDeploy(t, "v4.2.0", chat);
      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      // Five minutes of skew: more than a lease, less than anyone would notice in a log.
      const ahead = { now: () => new Date(Date.now() + 5 * 60_000) };
      const replica = await buildTestApp({
        env: baseEnv(deployScript),
        database: t.database,
        fake: t.fake,
        clock: ahead,
      });
      let state: string | undefined;
      try {
        await replica.app.watcher.tick(`deploy-test:${randomUUID()}`);
        state = (await actionById(t.pool, offer.id))!.state;
      } finally {
        await writeFile(gate, "");
        await replica.close();
        await settle(t, offer.id);
      }

      // Its lease (60 s, renewed by the process running it) is current by that process's clock.
      expect(state).toBe("running");
    });

    it("the process running an action does not reap it when its lease lapsed (the database was away)", async () => {
      const chat = freshGroup();
      const gate = scripts.file("gate-own");
      await useScript(`#!/bin/bash\nwhile [ ! -e '${gate}' ]; do sleep 0.05; done\n`);
      const offer = await requestDeploy(t, "v4.3.0", chat);
      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      let state: string | undefined;
      try {
        // As after a database outage longer than the lease: no renewal got through.
        await t.pool.query(
          "UPDATE opsbot.actions SET lease_expires_at = now() - interval '1 minute' WHERE id = $1",
          [offer.id],
        );
        await t.app.executor.reap();
        state = (await actionById(t.pool, offer.id))!.state;
      } finally {
        await writeFile(gate, "");
        await settle(t, offer.id);
      }
      expect(state).toBe("running");
      expect((await actionById(t.pool, offer.id))!.state).toBe("succeeded");
    });

    it("a tick leaves a running action whose lease is current alone", async () => {
      const chat = freshGroup();
      const id = await insertAction(t.pool, {
        ref: "v4.1.0",
        state: "running",
        chatId: chat.id,
        finishedAt: null,
        startedAt: new Date(),
        leaseExpiresAt: new Date(Date.now() + 60_000),
      });
      try {
        expect(await t.app.watcher.tick(`deploy-test:${randomUUID()}`)).toBe("ok");
        expect((await actionById(t.pool, id))!.state).toBe("running");
        expect(textsIn(t.fake, chat.id)).toEqual([]);
      } finally {
        await t.pool.query("UPDATE opsbot.actions SET state = 'failed' WHERE id = $1", [id]);
      }
    });
  });

  describe("/history and /metrics", () => {
    it("/history lists the latest actions with requester, confirmer, ref, result and duration", async () => {
      const chat = freshGroup();
      await useScript('#!/bin/bash\nsleep 1.1\n[ "$1" = hist/bad ] && exit 2\nexit 0\n');
      const good = await requestDeploy(t, "hist/good", chat);
      await press(t, good.confirm, { chat, from: SECOND_OPERATOR, messageId: good.messageId });
      await settle(t, good.id);
      const bad = await requestDeploy(t, "hist/bad", chat, SECOND_OPERATOR);
      await press(t, bad.confirm, { chat, messageId: bad.messageId });
      await settle(t, bad.id);
      const pending = await requestDeploy(t, "hist/pending", chat);

      const replies = await say(t, "/history", VIEWER, chat);

      expect(replies).toHaveLength(1);
      const text = replies[0]!.text;
      expect(replies[0]!.params.parse_mode).toBe("HTML");
      expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(text).toContain("<b>Recent deploys and rollbacks</b>");
      const lines = text.split("\n");
      const badLine = lines.findIndex((l) => l.includes("hist/bad"));
      const goodLine = lines.findIndex((l) => l.includes("hist/good"));
      expect(badLine).toBeGreaterThan(0);
      expect(goodLine).toBeGreaterThan(badLine); // newest first
      expect(lines[goodLine]).toMatch(
        /deploy\s+hist\/good\s+—\s+succeeded\s+[12]s\s+@olga_ops \/ Omar \(1002\)$/,
      );
      expect(lines[badLine]).toMatch(
        /deploy\s+hist\/bad\s+—\s+failed\s+[12]s\s+Omar \(1002\) \/ @olga_ops$/,
      );
      expect(text).not.toContain("hist/pending");
      expect(pending.row.state).toBe("pending");
    });

    it("/history is refused to a stranger", async () => {
      const chat = freshGroup();
      const replies = await say(t, "/history", STRANGER, chat);
      expect(replies.map((r) => r.text)).toEqual([REFUSAL]);
    });

    it("/metrics counts outcomes in opsbot_action_outcomes_total", async () => {
      const read = async () => {
        const res = await fetch(`${t.baseUrl}/metrics`);
        expect(res.status).toBe(200);
        return res.text();
      };
      const value = (text: string, outcome: string) =>
        Number(
          new RegExp(
            `^opsbot_action_outcomes_total\\{kind="deploy",outcome="${outcome}"\\} (\\d+)$`,
            "m",
          ).exec(text)?.[1] ?? 0,
        );
      const before = await read();
      const chat = freshGroup();
      await useScript('#!/bin/bash\n[ "$1" = m/bad ] && exit 1\nexit 0\n');
      for (const ref of ["m/good", "m/bad"]) {
        const offer = await requestDeploy(t, ref, chat);
        await press(t, offer.confirm, { chat, messageId: offer.messageId });
        await settle(t, offer.id);
      }

      const after = await read();

      expect(after).toContain("# TYPE opsbot_action_outcomes_total counter");
      expect(value(after, "succeeded") - value(before, "succeeded")).toBe(1);
      expect(value(after, "failed") - value(before, "failed")).toBe(1);
    });
  });
});

describe("two-person rule (APPROVAL=other)", () => {
  let t: TestApp;
  let deployScript: string;
  beforeAll(async () => {
    deployScript = `${scripts.dir}/deploy-two-person.sh`;
    t = await buildTestApp({ env: { ...baseEnv(deployScript), APPROVAL: "other" } });
  });
  afterAll(() => t.close());

  it("refuses the requester's own Confirm and runs it on another operator's", async () => {
    const chat = freshGroup();
    const counter = scripts.file("counter");
    await scripts.write(deployScript, counterScript(counter));
    const offer = await requestDeploy(t, "main", chat);
    expect(offer.text).toContain("Another operator must confirm (two-person rule).");

    const own = await press(t, offer.confirm, { chat, messageId: offer.messageId });

    expect(own).toMatchObject({
      text: "Two-person rule: another operator must confirm.",
      show_alert: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await actionById(t.pool, offer.id))!.state).toBe("pending");
    expect(await linesOf(counter)).toEqual([]);
    expect((await auditOf(t.pool, offer.id)).map((a) => [a.event, a.actor_id])).toEqual([
      ["requested", OPERATOR.id],
      ["confirm_refused", OPERATOR.id],
    ]);

    const other = await press(t, offer.confirm, {
      chat,
      from: SECOND_OPERATOR,
      messageId: offer.messageId,
    });
    expect(other.text).toBe("Confirmed: running.");
    const row = await settle(t, offer.id);

    expect(row).toMatchObject({
      state: "succeeded",
      requested_by: OPERATOR.id,
      requested_by_name: "@olga_ops",
      confirmed_by: SECOND_OPERATOR.id,
      confirmed_by_name: "Omar (1002)",
    });
    expect(await linesOf(counter)).toEqual(["run main"]);
    const audit = await auditOf(t.pool, offer.id);
    expect(audit.map((a) => [a.event, a.actor_id])).toEqual([
      ["requested", OPERATOR.id],
      ["confirm_refused", OPERATOR.id],
      ["confirmed", SECOND_OPERATOR.id],
      ["started", null],
      ["finished", null],
      ["verified", null],
    ]);
    const running = textsIn(t.fake, chat.id).filter(isEdit)[0]!;
    expect(running.text).toContain("confirmed by Omar (1002)");
  });
});

describe("timeout", () => {
  let t: TestApp;
  let deployScript: string;
  beforeAll(async () => {
    deployScript = `${scripts.dir}/deploy-timeout.sh`;
    t = await buildTestApp({ env: { ...baseEnv(deployScript), ACTION_TIMEOUT_SECONDS: "2" } });
  });
  afterAll(() => t.close());

  it("after ACTION_TIMEOUT_SECONDS marks it timed_out and leaves no process of its group alive", async () => {
    const chat = freshGroup();
    const pids = scripts.file("pids");
    // trap '' TERM is inherited: the background sleep ignores SIGTERM too, so only the
    // SIGKILL to the whole group after the grace period can end them.
    await scripts.write(
      deployScript,
      `#!/bin/bash\ntrap '' TERM\nsleep 3600 &\necho "$$ $!" > '${pids}'\necho started\nsleep 3600\n`,
    );
    const offer = await requestDeploy(t, "main", chat);

    await press(t, offer.confirm, { chat, messageId: offer.messageId });
    await eventually(async () => (await linesOf(pids)).length === 1);
    const [leader, child] = (await linesOf(pids))[0]!.split(" ").map(Number);
    expect(await isAlive(leader!)).toBe(true);
    const row = await settle(t, offer.id, 20_000);

    expect(row).toMatchObject({ state: "timed_out", exit_code: null });
    const final = textsIn(t.fake, chat.id).filter(isEdit).at(-1)!;
    expect(final.text).toMatch(
      /^⏱ timed out \(process group stopped\): <b>Deploy<\/b> <code>main<\/code> in \ds \(signal SIGKILL\)/,
    );
    expect(final.text).toContain("started");
    await eventually(async () => (await liveGroupMembers(leader!)).length === 0, 2_000);
    expect(await isAlive(child!)).toBe(false);
    const finished = (await auditOf(t.pool, offer.id)).find((a) => a.event === "finished");
    expect(finished?.detail).toMatchObject({ outcome: "timed_out", exitCode: null });
    // A timed-out deploy is not verified.
    expect(textsIn(t.fake, chat.id).some((m) => /API/.test(m.text))).toBe(false);
  }, 30_000);
});

describe("verification after a deploy", () => {
  let t: TestApp;
  let api: Awaited<ReturnType<typeof startHealthStub>>;
  let deployScript: string;
  let rollbackScript: string;
  beforeAll(async () => {
    api = await startHealthStub();
    api.state.healthy = false;
    deployScript = `${scripts.dir}/deploy-verify.sh`;
    rollbackScript = `${scripts.dir}/rollback-verify.sh`;
    await scripts.write(deployScript, "#!/bin/bash\necho deployed\n");
    t = await buildTestApp({
      env: {
        ...baseEnv(deployScript),
        API_HEALTH_URL: api.url,
        VERIFY_SECONDS: "2",
        ROLLBACK_SCRIPT: rollbackScript,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await api.close();
  });

  it("says the API is not healthy, offers Rollback to the previous ref, and runs ROLLBACK_SCRIPT with it", async () => {
    const chat = freshGroup();
    const out = scripts.file("rollback");
    await scripts.write(
      rollbackScript,
      `#!/bin/bash\nprintf '%s\\n' "$#" "$1" "$OPSBOT_ACTION" > '${out}'\n`,
    );
    await insertAction(t.pool, {
      ref: "v1.0.0",
      state: "succeeded",
      chatId: chat.id,
      finishedAt: new Date(Date.now() - 60_000),
    });
    const offer = await requestDeploy(t, "v2.0.0", chat);

    await press(t, offer.confirm, { chat, messageId: offer.messageId });
    const deploy = await settle(t, offer.id, 15_000);

    expect(deploy.state).toBe("succeeded");
    expect(api.state.requests).toBeGreaterThanOrEqual(2);
    const verdict = textsIn(t.fake, chat.id).filter((m) => /API not healthy/.test(m.text));
    expect(verdict).toHaveLength(1);
    expect(verdict[0]!.text).toMatch(
      /^🔴 API not healthy \ds after <b>Deploy<\/b> <code>v2\.0\.0<\/code>: HTTP 503\.\nRoll back to <code>v1\.0\.0<\/code>\?$/,
    );
    expect(buttonsOf(verdict[0]!.params)).toEqual([
      { text: "Rollback to v1.0.0", callback_data: `act:rb:${offer.id}` },
    ]);
    const verified = (await auditOf(t.pool, offer.id)).find((a) => a.event === "verified");
    expect(verified?.detail).toMatchObject({ healthy: false, rollbackRef: "v1.0.0" });

    // A viewer cannot start a rollback from it.
    const viewer = await press(t, `act:rb:${offer.id}`, { chat, from: VIEWER, messageId: 99 });
    expect(viewer).toMatchObject({ text: REFUSAL, show_alert: true });
    expect((await actionsIn(t.pool, chat.id)).filter((a) => a.kind === "rollback")).toEqual([]);

    const before = textsIn(t.fake, chat.id).length;
    await press(t, `act:rb:${offer.id}`, { chat, messageId: 99 });
    const offered = textsIn(t.fake, chat.id)
      .slice(before)
      .filter((m) => !isEdit(m));
    expect(offered).toHaveLength(1);
    expect(offered[0]!.text).toBe(
      "🚀 <b>Rollback</b> <code>v1.0.0</code> requested by @olga_ops.\nConfirm within 2m.",
    );
    const [confirm] = buttonsOf(offered[0]!.params);
    const rollbackId = /^act:ok:(.+)$/.exec(confirm!.callback_data)![1]!;
    const pending = (await actionById(t.pool, rollbackId))!;
    expect(pending).toMatchObject({ kind: "rollback", ref: "v1.0.0", state: "pending" });

    await press(t, confirm!.callback_data, { chat, messageId: pending.message_id! });
    const rollback = await settle(t, rollbackId);

    expect(rollback.state).toBe("succeeded");
    expect(await linesOf(out)).toEqual(["1", "v1.0.0", "rollback"]);
    // Only deploys are verified.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(textsIn(t.fake, chat.id).filter((m) => /API/.test(m.text))).toHaveLength(1);
  }, 30_000);

  it("without an earlier good deploy says so and offers no button", async () => {
    // A database of its own: the previous test's deploys would otherwise be "earlier".
    const lone = await buildTestApp({
      env: { ...baseEnv(deployScript), API_HEALTH_URL: api.url, VERIFY_SECONDS: "1" },
      fake: t.fake,
    });
    try {
      const chat = freshGroup();
      const offer = await requestDeploy(lone, "v9.0.0", chat);
      await press(lone, offer.confirm, { chat, messageId: offer.messageId });
      await settle(lone, offer.id);

      const verdict = textsIn(t.fake, chat.id).filter((m) => /API not healthy/.test(m.text));
      expect(verdict).toHaveLength(1);
      expect(verdict[0]!.text).toContain("No earlier successful deploy is known to roll back to.");
      expect(buttonsOf(verdict[0]!.params)).toEqual([]);
    } finally {
      await lone.close();
    }
  });
});

// ---------------------------------------------------------------------------------------
// Never two at once, secrets never stored: what an outside red team broke (issue 11).

describe("a script that outlived the bot that started it", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: baseEnv(`${scripts.dir}/deploy-orphan.sh`) });
  });
  afterAll(() => t.close());

  /**
   * A deploy script as a SIGKILLed bot leaves it: leader of its own process group, with the
   * OPSBOT_* environment the executor gives, still running.
   */
  function orphanScript(ref: string): number {
    const child = spawn("/bin/bash", ["-c", "sleep 3600 & wait"], {
      detached: true,
      stdio: "ignore",
      env: { PATH: process.env.PATH, OPSBOT_ACTION: "deploy", OPSBOT_REF: ref },
    });
    child.unref();
    return child.pid!;
  }

  /** A running action whose lease lapsed, recorded as running that group on `host`. */
  async function lapsedAction(
    chat: Chat,
    ref: string,
    script: { pgid: number; startTicks: bigint | null; host: string },
  ) {
    const id = await insertAction(t.pool, {
      ref,
      state: "running",
      chatId: chat.id,
      finishedAt: null,
      startedAt: new Date(Date.now() - 120_000),
      leaseExpiresAt: new Date(Date.now() - 1_000),
    });
    await t.pool.query(
      `UPDATE opsbot.actions SET script_pgid = $2, script_start_ticks = $3, script_host = $4
        WHERE id = $1`,
      [id, script.pgid, script.startTicks?.toString() ?? null, script.host],
    );
    return id;
  }

  it("kills what is left of its process group before marking it interrupted", async () => {
    const chat = freshGroup();
    const pgid = orphanScript("v5.0.0");
    let left: number[];
    let id: string;
    let reaped: Action[];
    try {
      await eventually(async () => (await liveGroupMembers(pgid)).length === 2);
      id = await lapsedAction(chat, "v5.0.0", {
        pgid,
        startTicks: await startTicksOf(pgid),
        host: (await hostIdentity())!,
      });

      reaped = await t.app.executor.reap();
      left = await liveGroupMembers(pgid);
    } finally {
      if ((await liveGroupMembers(pgid)).length > 0) process.kill(-pgid, "SIGKILL");
    }

    expect(left).toEqual([]);
    expect(reaped.map((a) => a.id)).toEqual([id]);
    expect((await actionById(t.pool, id))!.state).toBe("interrupted");
    await eventually(() =>
      textsIn(t.fake, chat.id).some((m) => !isEdit(m) && /was interrupted/.test(m.text)),
    );
  });

  it("never signals a recycled pid, nor a group recorded on another host", async () => {
    const chat = freshGroup();
    // Both carry another deploy's environment; the first also started after the leader
    // the row names (as a process given a recycled pid would).
    const recycled = orphanScript("v5.1.0-other");
    const remote = orphanScript("v5.2.0");
    try {
      const ticks = (await startTicksOf(recycled))!;
      const recycledId = await lapsedAction(chat, "v5.1.0", {
        pgid: recycled,
        startTicks: ticks - 1n,
        host: (await hostIdentity())!,
      });
      await t.app.executor.reap();
      const remoteId = await lapsedAction(chat, "v5.2.0", {
        pgid: remote,
        startTicks: await startTicksOf(remote),
        host: "build-2 boot=00000000-0000-0000-0000-000000000000 pid:[1]",
      });
      await t.app.executor.reap();

      expect(await isAlive(recycled)).toBe(true);
      expect(await isAlive(remote)).toBe(true);
      // Nothing of theirs is visible here: their slots are freed all the same.
      expect((await actionById(t.pool, recycledId))!.state).toBe("interrupted");
      expect((await actionById(t.pool, remoteId))!.state).toBe("interrupted");
    } finally {
      process.kill(-recycled, "SIGKILL");
      process.kill(-remote, "SIGKILL");
    }
  });
});

describe("bookkeeping that fails around the script", () => {
  let t: TestApp;
  let deployScript: string;
  beforeAll(async () => {
    deployScript = `${scripts.dir}/deploy-bookkeeping.sh`;
    t = await buildTestApp({ env: baseEnv(deployScript) });
  });
  afterAll(() => t.close());

  it("kills the script when its start cannot be recorded, and marks the action interrupted", async () => {
    const chat = freshGroup();
    const pids = scripts.file("pids");
    const gate = scripts.file("gate");
    await scripts.write(
      deployScript,
      `#!/bin/bash\necho $$ > '${pids}'\nwhile [ ! -e '${gate}' ]; do sleep 0.05; done\necho "ran on"\n`,
    );
    const offer = await requestDeploy(t, "v6.0.0", chat);
    await failAuditWrites(t.pool, "started", 1);
    try {
      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      const row = await waitForState(t.pool, offer.id, FINAL);

      expect(await auditFaultsLeft(t.pool, "started")).toBe(0);
      expect(row.state).toBe("interrupted");
      await eventually(() =>
        textsIn(t.fake, chat.id).some((m) => !isEdit(m) && /was interrupted/.test(m.text)),
      );
      const leader = Number((await linesOf(pids))[0]);
      expect(leader).toBeGreaterThan(0);
      expect(await liveGroupMembers(leader)).toEqual([]);
      expect(row.output_tail).toContain("[stopped: its start could not be recorded]");
      expect(row.output_tail).not.toContain("ran on");
    } finally {
      await writeFile(gate, "");
    }
  });

  it("keeps retrying the result through a transient database error: a success stays a success", async () => {
    const chat = freshGroup();
    await scripts.write(deployScript, `#!/bin/bash\necho "deployed $1"\nexit 0\n`);
    const offer = await requestDeploy(t, "v6.1.0", chat);
    await failAuditWrites(t.pool, "finished", 3);

    await press(t, offer.confirm, { chat, messageId: offer.messageId });
    const row = await settle(t, offer.id);

    expect(await auditFaultsLeft(t.pool, "finished")).toBe(0);
    expect(row).toMatchObject({ state: "succeeded", exit_code: 0 });
    expect(row.output_tail).toBe("deployed v6.1.0\n");
    const finished = (await auditOf(t.pool, offer.id)).filter((a) => a.event === "finished");
    expect(finished).toHaveLength(1);
    expect(finished[0]!.detail).toMatchObject({
      outcome: "succeeded",
      exitCode: 0,
      tail: "deployed v6.1.0\n",
    });
  });

  it("stops retrying the result once shutdown can wait no longer, leaving the action to the reaper", async () => {
    // A replica of its own: its executor is stopped here.
    const replica = await buildTestApp({
      env: baseEnv(deployScript),
      database: t.database,
      fake: t.fake,
    });
    const chat = freshGroup();
    await scripts.write(deployScript, `#!/bin/bash\necho "deployed $1"\n`);
    const offer = await requestDeploy(replica, "v6.3.0", chat);
    await failAuditWrites(t.pool, "finished", 1_000);
    try {
      await press(replica, offer.confirm, { chat, messageId: offer.messageId });
      await eventually(async () => (await auditFaultsLeft(t.pool, "finished")) <= 998);

      // Without a bound this would wait for the database forever.
      await replica.app.executor.stop(100);
      const left = await auditFaultsLeft(t.pool, "finished");
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      expect(await auditFaultsLeft(t.pool, "finished")).toBe(left);
      expect((await actionById(t.pool, offer.id))!.state).toBe("running");
    } finally {
      await failAuditWrites(t.pool, "finished", 0);
      await t.pool.query("UPDATE opsbot.actions SET state = 'failed' WHERE id = $1", [offer.id]);
      await replica.close();
    }
  });

  it("starts a claimed action even when Telegram refuses to answer the press (too old)", async () => {
    const chat = freshGroup();
    const counter = scripts.file("counter");
    await scripts.write(deployScript, counterScript(counter));
    const offer = await requestDeploy(t, "v6.2.0", chat);
    t.fake.failNext("answerCallbackQuery", {
      kind: "400",
      description:
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    });

    await press(t, offer.confirm, { chat, messageId: offer.messageId });
    const row = await settle(t, offer.id);

    expect(row.state).toBe("succeeded");
    expect(await linesOf(counter)).toEqual(["run v6.2.0"]);
  });
});

describe("secrets a script prints", () => {
  const QUERY_PASSWORD = "pgPasswordInTheQuery42";
  let t: TestApp;
  let deployScript: string;
  beforeAll(async () => {
    deployScript = `${scripts.dir}/deploy-secrets.sh`;
    const database = await createTestDatabase();
    t = await buildTestApp({
      database,
      env: {
        ...baseEnv(deployScript),
        // libpq's other way of giving a password; trust auth lets it through unused.
        DATABASE_URL: `${database.connectionString}?password=${QUERY_PASSWORD}`,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await t.database.drop();
  });

  it("are redacted in the stored tail, the audit, the messages and the attached log", async () => {
    const chat = freshGroup();
    const secrets = [TEST_TOKEN, TEST_TOKEN.split(":")[1]!, TEST_SECRET, QUERY_PASSWORD];
    // Longer than a message, so the whole log goes along as a document.
    await scripts.write(
      deployScript,
      `#!/bin/bash\nfor i in $(seq 1 200); do echo "leak $i: ${secrets.join(" ")}"; done\n`,
    );
    const offer = await requestDeploy(t, "v7.0.0", chat);

    await press(t, offer.confirm, { chat, messageId: offer.messageId });
    const row = await settle(t, offer.id);

    expect(row.state).toBe("succeeded");
    const audit = JSON.stringify(await auditOf(t.pool, offer.id));
    const document = t.fake
      .callsTo("sendDocument")
      .find((c) => Number(c.params.chat_id) === chat.id);
    expect(document).toBeDefined();
    const shown = textsIn(t.fake, chat.id)
      .map((m) => m.text)
      .join("\n");
    for (const stored of [row.output_tail!, audit, document!.body.toString("utf8"), shown]) {
      expect(stored).toContain("leak 200: [REDACTED]");
      for (const secret of secrets) expect(stored).not.toContain(secret);
    }
  });
});

describe("the log file", () => {
  let t: TestApp;
  let deployScript: string;
  beforeAll(async () => {
    deployScript = `${scripts.dir}/deploy-log.sh`;
    t = await buildTestApp({ env: baseEnv(deployScript) });
  });
  afterAll(() => t.close());

  const logDirsOf = async (id: string) =>
    (await readdir(tmpdir())).filter((name) => name.startsWith(`opsbot-${id}`));

  it("is created anew in a private directory: a planted symlink is never followed", async () => {
    const chat = freshGroup();
    const gate = scripts.file("gate");
    await scripts.write(
      deployScript,
      `#!/bin/bash\necho "written to the log"\nwhile [ ! -e '${gate}' ]; do sleep 0.05; done\n`,
    );
    const offer = await requestDeploy(t, "v8.0.0", chat);
    // The id is in the button data: plant a link where a predictable log would go.
    const victim = scripts.file("victim");
    await writeFile(victim, "untouched\n");
    const planted = join(tmpdir(), `opsbot-${offer.id}.log`);
    await symlink(victim, planted);
    try {
      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      await eventually(async () =>
        (await logDirsOf(offer.id)).some((n) => n !== `opsbot-${offer.id}.log`),
      );
      const [dirName] = (await logDirsOf(offer.id)).filter((n) => !n.endsWith(".log"));
      const dir = join(tmpdir(), dirName!);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      await eventually(async () =>
        (await readFile(join(dir, "output.log"), "utf8").catch(() => "")).includes("written"),
      );
      expect((await stat(join(dir, "output.log"))).mode & 0o777).toBe(0o600);
      await writeFile(gate, "");
      expect((await settle(t, offer.id)).state).toBe("succeeded");

      expect(await readFile(victim, "utf8")).toBe("untouched\n");
      // Removed once the run is over, the planted link aside.
      await eventually(
        async () => (await logDirsOf(offer.id)).length === 1,
        5_000,
        "the log directory removed",
      );
      expect(await logDirsOf(offer.id)).toEqual([`opsbot-${offer.id}.log`]);
    } finally {
      await writeFile(gate, "");
      await rm(planted, { force: true });
    }
  });
});
