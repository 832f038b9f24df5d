// ACTION_TIMEOUT_SECONDS: the script's whole process group stopped.
import { describe, expect, it } from "vitest";
import {
  auditOf,
  eventually,
  freshGroup,
  isAlive,
  linesOf,
  liveGroupMembers,
  textsIn,
} from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import { isEdit, settle, useDeployFixtures, createOperator } from "./deploy-kit.js";

describe("deploy: timeout", () => {
  const deploy = useDeployFixtures();
  // The shortest timeout, and half a second of grace before SIGKILL instead of 5 s.
  const t = useTestApp(() => ({
    env: deploy.env({ ACTION_TIMEOUT_SECONDS: "1" }),
    actionGraceMs: 500,
  }));
  const { requestDeploy, press } = createOperator();

  it("after ACTION_TIMEOUT_SECONDS marks it timed_out and leaves no process of its group alive", async () => {
    const chat = freshGroup();
    const pids = deploy.scripts.file("pids");
    // trap '' TERM is inherited: the background sleep ignores SIGTERM too, so only the
    // SIGKILL to the whole group after the grace period can end them.
    await deploy.useScript(
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
