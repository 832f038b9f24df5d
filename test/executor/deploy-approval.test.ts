// The two-person rule: APPROVAL=other.
import { describe, expect, it } from "vitest";
import { actionById, auditOf, freshGroup, linesOf, textsIn } from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import { OPERATOR, SECOND_OPERATOR } from "../kit/updates.js";
import { counterScript, isEdit, settle, useDeployFixtures, createOperator } from "./deploy-kit.js";

describe("deploy: two-person rule (APPROVAL=other)", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env({ APPROVAL: "other" }) }));
  const { requestDeploy, press } = createOperator();

  it("refuses the requester's own Confirm and runs it on another operator's", async () => {
    const chat = freshGroup();
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter));
    const offer = await requestDeploy(t, "main", chat);
    expect(offer.text).toContain("Another operator must confirm (two-person rule).");

    const own = await press(t, offer.confirm, { chat, messageId: offer.messageId });

    expect(own).toMatchObject({
      text: "Two-person rule: another operator must confirm.",
      show_alert: true,
    });
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
