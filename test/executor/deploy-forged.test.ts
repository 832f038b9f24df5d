// Forged presses: unknown ids, junk callback data, buttons pressed where they do not belong.
import { randomUUID } from "node:crypto";
import type { Chat } from "grammy/types";
import { describe, expect, it } from "vitest";
import { actionById, freshGroup, linesOf, textsIn } from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import {
  auditEvents,
  counterScript,
  isEdit,
  useDeployFixtures,
  createOperator,
  type Offer,
} from "./deploy-kit.js";

describe("deploy: forged presses", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));
  const { requestDeploy, press } = createOperator();

  async function pendingWithCounter(chat: Chat) {
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter));
    return { offer: await requestDeploy(t, "main", chat), counter };
  }

  async function expectUntouched(offer: Offer, counter: string, chat: Chat) {
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
