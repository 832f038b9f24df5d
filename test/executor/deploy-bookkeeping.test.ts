// The database failing around a running script: its start not recorded, its result retried.
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  actionById,
  auditFaultsLeft,
  auditOf,
  eventually,
  failAuditWrites,
  freshGroup,
  linesOf,
  liveProcessesWith,
  textsIn,
  waitForState,
} from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import {
  FINAL,
  counterScript,
  isEdit,
  replicaOf,
  settle,
  useDeployFixtures,
  createOperator,
  runOver,
} from "./deploy-kit.js";

describe("deploy: bookkeeping that fails around the script", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));
  const { requestDeploy, press } = createOperator();

  it("kills the script when its start cannot be recorded, and marks the action interrupted", async () => {
    const chat = freshGroup();
    const gate = deploy.scripts.file("gate");
    await deploy.useScript(
      `#!/bin/bash\nwhile [ ! -e '${gate}' ]; do sleep 0.05; done\necho "ran on"\n`,
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
      // Killed as soon as it started, maybe before its first line: found by its environment.
      expect(await liveProcessesWith({ OPSBOT_ACTION: "deploy", OPSBOT_REF: "v6.0.0" })).toEqual(
        [],
      );
      expect(row.output_tail).toContain("[stopped: its start could not be recorded]");
      expect(row.output_tail).not.toContain("ran on");
    } finally {
      await writeFile(gate, "");
    }
  });

  it("keeps retrying the result through a transient database error: a success stays a success", async () => {
    const chat = freshGroup();
    await deploy.useScript(`#!/bin/bash\necho "deployed $1"\nexit 0\n`);
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
    const replica = await replicaOf(t, deploy.env());
    const chat = freshGroup();
    await deploy.useScript(`#!/bin/bash\necho "deployed $1"\n`);
    const offer = await requestDeploy(replica, "v6.3.0", chat);
    await failAuditWrites(t.pool, "finished", 1_000);
    try {
      await press(replica, offer.confirm, { chat, messageId: offer.messageId });
      await eventually(async () => (await auditFaultsLeft(t.pool, "finished")) <= 998);

      // Without a bound this would wait for the database forever (0.3 s for the result here).
      await replica.app.executor.stop(100, 300);
      const left = await auditFaultsLeft(t.pool, "finished");
      await runOver(offer.id);

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
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter));
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
