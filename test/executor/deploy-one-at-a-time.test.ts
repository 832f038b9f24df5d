// One action at a time: a second /deploy or Confirm is refused while one runs.
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { formatUtc } from "../../src/clock.js";
import {
  actionById,
  actionsIn,
  buttonsOf,
  eventually,
  freshGroup,
  linesOf,
} from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import { SECOND_OPERATOR } from "../kit/updates.js";
import { counterScript, settle, useDeployFixtures, createOperator } from "./deploy-kit.js";

describe("deploy: one at a time", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));
  const { say, requestDeploy, press } = createOperator();

  /** A script that holds the slot until the test removes the gate. */
  async function holdingScript() {
    const counter = deploy.scripts.file("counter");
    const gate = deploy.scripts.file("gate");
    await deploy.useScript(
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
