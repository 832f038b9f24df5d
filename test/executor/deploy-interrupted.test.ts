// An action whose process died is marked interrupted, never re-run; a live one is left alone.
import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import type { Chat } from "grammy/types";
import { describe, expect, it } from "vitest";
import {
  actionById,
  eventually,
  freshGroup,
  insertAction,
  linesOf,
  textsIn,
  waitForState,
} from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import { SECOND_OPERATOR } from "../kit/updates.js";
import {
  auditEvents,
  counterScript,
  isEdit,
  replicaOf,
  settle,
  useDeployFixtures,
  createOperator,
} from "./deploy-kit.js";

describe("deploy: interrupted, never re-run", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));
  const { requestDeploy, press } = createOperator();

  /** A pending deploy turned into one whose process died right after claiming it. */
  async function orphaned(chat: Chat) {
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter));
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

    const restarted = await replicaOf(t, deploy.env());
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
    const gate = deploy.scripts.file("gate");
    await deploy.useScript(`#!/bin/bash\nwhile [ ! -e '${gate}' ]; do sleep 0.05; done\n`);
    const offer = await requestDeploy(t, "v4.2.0", chat);
    await press(t, offer.confirm, { chat, messageId: offer.messageId });
    // Five minutes of skew: more than a lease, less than anyone would notice in a log.
    const ahead = { now: () => new Date(Date.now() + 5 * 60_000) };
    const replica = await replicaOf(t, deploy.env(), { clock: ahead });
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
    const gate = deploy.scripts.file("gate-own");
    await deploy.useScript(`#!/bin/bash\nwhile [ ! -e '${gate}' ]; do sleep 0.05; done\n`);
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
