// A deploy runs once and only once: refused, double, concurrent, expired and cancelled presses.
import { describe, expect, it } from "vitest";
import { REFUSAL } from "../kit/english.js";
import {
  actionById,
  actionsIn,
  answerTo,
  auditOf,
  freshGroup,
  linesOf,
  textsIn,
} from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import { OPERATOR, SECOND_OPERATOR, VIEWER } from "../kit/updates.js";
import {
  auditEvents,
  counterScript,
  isEdit,
  replicaOf,
  settle,
  useDeployFixtures,
  createOperator,
} from "./deploy-kit.js";

describe("deploy: once and only once", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));
  const { post, requestDeploy, press, updates } = createOperator();

  it("a viewer's Confirm is refused with an alert; nothing runs and it stays pending", async () => {
    const chat = freshGroup();
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter));
    const offer = await requestDeploy(t, "main", chat);

    const answer = await press(t, offer.confirm, {
      chat,
      from: VIEWER,
      messageId: offer.messageId,
    });

    expect(answer).toMatchObject({ text: REFUSAL, show_alert: true });
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
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter, "sleep 0.3"));
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
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter, "sleep 0.3"));
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
    const replica = await replicaOf(t, deploy.env());
    try {
      const chat = freshGroup();
      const counter = deploy.scripts.file("counter");
      await deploy.useScript(counterScript(counter, "sleep 0.3"));
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
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter));
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
    expect(await linesOf(counter)).toEqual([]);
  });

  it("Cancel marks it cancelled and edits the message; a later Confirm is refused", async () => {
    const chat = freshGroup();
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter));
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
    expect(await linesOf(counter)).toEqual([]);
  });
});
