// A script that outlived the bot that started it (the bot SIGKILLed): killed before its slot
// is freed, and never a recycled pid or another host's group.
import { spawn } from "node:child_process";
import type { Chat } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { Action } from "../../src/executor/actions-store.js";
import { hostIdentity, startTicksOf } from "../../src/executor/process-group.js";
import {
  actionById,
  eventually,
  freshGroup,
  insertAction,
  isAlive,
  liveGroupMembers,
  textsIn,
} from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import { isEdit, useDeployFixtures } from "./deploy-kit.js";

describe("deploy: a script that outlived the bot that started it", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));

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
