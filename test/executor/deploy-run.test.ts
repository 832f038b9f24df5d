// A confirmed deploy run: progress edits, the result, the argv and environment the script
// gets. The bot's memory under a flood of output: deploy-memory.slow.test.ts.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { auditOf, eventually, freshGroup, textsIn } from "../kit/actions.js";
import { TEST_SECRET, TEST_TOKEN, useTestApp } from "../kit/build-test-app.js";
import { OPERATOR } from "../kit/updates.js";
import {
  auditEvents,
  isEdit,
  settle,
  useDeployFixtures,
  createOperator,
  runOver,
} from "./deploy-kit.js";

describe("deploy: the run", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));
  const { requestDeploy, press } = createOperator();

  it("answers the press, runs the script, edits progress, then the result and the API verdict", async () => {
    const chat = freshGroup();
    await deploy.useScript(`#!/bin/bash\necho "step one for $1"\nsleep 2.5\necho "step two"\n`);
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
    expect(verdict.text).toMatch(/^💚 API healthy \ds after <b>Deploy<\/b> <code>main<\/code>\.$/);
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
    await deploy.useScript(
      `#!/bin/bash\nfor i in $(seq 1 40); do echo "line $i"; sleep 0.05; done\n`,
    );
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
    await deploy.useScript(
      `#!/bin/bash\necho "migrating"\necho "boom: <table> & co" >&2\nexit 3\n`,
    );
    const offer = await requestDeploy(t, "main", chat);

    await press(t, offer.confirm, { chat, messageId: offer.messageId });
    const row = await settle(t, offer.id);

    expect(row).toMatchObject({ state: "failed", exit_code: 3 });
    const final = textsIn(t.fake, chat.id).filter(isEdit).at(-1)!;
    expect(final.text).toMatch(/^❌ failed: <b>Deploy<\/b> <code>main<\/code> in \ds \(exit 3\)/);
    expect(final.text).toContain("boom: &lt;table&gt; &amp; co");
    await runOver(offer.id);
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
    const out = deploy.scripts.file("argv");
    await deploy.useScript(
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
    const out = deploy.scripts.file("env");
    // Node, not bash: bash would add PWD, SHLVL and _ of its own.
    await deploy.useScript(
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
    for (const secret of [TEST_TOKEN, TEST_SECRET, t.database.connectionString, "must-not-leak"]) {
      expect(raw).not.toContain(secret);
    }
  });
});
