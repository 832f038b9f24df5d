// Verification of the API after a deploy, and the Rollback it offers when unhealthy.
import { beforeAll, describe, expect, it } from "vitest";
import { REFUSAL } from "../kit/english.js";
import {
  actionById,
  actionsIn,
  auditOf,
  buttonsOf,
  freshGroup,
  insertAction,
  linesOf,
  textsIn,
} from "../kit/actions.js";
import { buildTestApp, useTestApp } from "../kit/build-test-app.js";
import { VIEWER } from "../kit/updates.js";
import { isEdit, settle, useDeployFixtures, createOperator, runOver } from "./deploy-kit.js";

describe("deploy: verification after a deploy", () => {
  const deploy = useDeployFixtures();
  const rollbackScript = () => `${deploy.scripts.dir}/rollback.sh`;
  beforeAll(() => {
    deploy.health.state.healthy = false;
  });
  // The API stays unhealthy: each verification waits VERIFY_SECONDS out, the shortest here.
  const t = useTestApp(() => ({
    env: deploy.env({ ROLLBACK_SCRIPT: rollbackScript(), VERIFY_SECONDS: "1" }),
  }));
  const { requestDeploy, press } = createOperator();

  it("says the API is not healthy, offers Rollback to the previous ref, and runs ROLLBACK_SCRIPT with it", async () => {
    const chat = freshGroup();
    const out = deploy.scripts.file("rollback");
    await deploy.scripts.write(
      rollbackScript(),
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
    const deployed = await settle(t, offer.id, 15_000);

    expect(deployed.state).toBe("succeeded");
    expect(deploy.health.state.requests).toBeGreaterThanOrEqual(2);
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
    await runOver(rollbackId);
    expect(textsIn(t.fake, chat.id).filter((m) => /API/.test(m.text))).toHaveLength(1);
  }, 30_000);

  it("without an earlier good deploy says so and offers no button", async () => {
    // A database of its own: the previous test's deploys would otherwise be "earlier".
    const lone = await buildTestApp({
      env: deploy.env({ VERIFY_SECONDS: "1" }),
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
