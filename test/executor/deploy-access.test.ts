// Who may ask for a deploy and for what: roles, hostile refs, DEPLOY_SCRIPT missing, the offer.
import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { REFUSAL } from "../kit/english.js";
import { actionsIn, buttonsOf, freshGroup, linesOf } from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import { OPERATOR, STRANGER, VIEWER } from "../kit/updates.js";
import {
  auditEvents,
  counterScript,
  replicaOf,
  useDeployFixtures,
  createOperator,
} from "./deploy-kit.js";

describe("deploy: who may ask, and for what", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));
  const { say, requestDeploy } = createOperator();

  it.each([
    ["a viewer", VIEWER],
    ["a stranger", STRANGER],
  ])("refuses /deploy from %s and stores nothing", async (_, user) => {
    const chat = freshGroup();
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter));

    const replies = await say(t, "/deploy main", user, chat);

    expect(replies.map((r) => r.text)).toEqual([REFUSAL]);
    expect(buttonsOf(replies[0]!.params)).toEqual([]);
    expect(await actionsIn(t.pool, chat.id)).toEqual([]);
    expect(await linesOf(counter)).toEqual([]);
  });

  it.each([
    ["--upload-pack=x"],
    ["-rf"],
    ["main;id"],
    ["$(id)"],
    ["a b"],
    ["a".repeat(101)],
    ["a/../b"],
    ["x.lock"],
    ["ｍａｉｎ"],
    ["main\n"],
    ["a//b"],
    ["a/"],
    ["a."],
    [".hidden"],
    ["a/.b"],
    ["`id`"],
  ])("refuses the hostile ref %j before anything is stored or run", async (ref) => {
    const chat = freshGroup();
    const counter = deploy.scripts.file("counter");
    await deploy.useScript(counterScript(counter));

    const replies = await say(t, `/deploy ${ref}`, OPERATOR, chat);

    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toMatch(/^⛔ Refused: the ref .+\. Nothing was run\.$/s);
    expect(buttonsOf(replies[0]!.params)).toEqual([]);
    expect(await actionsIn(t.pool, chat.id)).toEqual([]);
    expect(await linesOf(counter)).toEqual([]);
  });

  it("offers HEAD (origin's default branch) when /deploy has no argument and DEPLOY_DEFAULT_REF is unset", async () => {
    const chat = freshGroup();

    const replies = await say(t, "/deploy", OPERATOR, chat);

    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain("<code>HEAD</code>");
    expect((await actionsIn(t.pool, chat.id)).map((r) => [r.ref, r.state])).toEqual([
      ["HEAD", "pending"],
    ]);
  });

  const NOT_EXECUTABLE =
    "⚙️ deploy is not configured (DEPLOY_SCRIPT is not an executable file). Nothing was stored.";
  const withoutDeployScript = () => {
    const env: Record<string, string> = deploy.env();
    delete env.DEPLOY_SCRIPT;
    return env;
  };
  // Each case readies the app to ask: this one with its script changed, or one of its own.
  it.each([
    [
      "is not executable",
      NOT_EXECUTABLE,
      async () => {
        await deploy.useScript("#!/bin/bash\necho hi\n", 0o644);
        return t;
      },
    ],
    [
      "does not exist",
      NOT_EXECUTABLE,
      async () => {
        await rm(deploy.deployScript);
        return t;
      },
    ],
    [
      "is not set",
      "⚙️ deploy is not configured (DEPLOY_SCRIPT is not set). Nothing was stored.",
      () => replicaOf(t, withoutDeployScript()),
    ],
    [
      "is a directory",
      NOT_EXECUTABLE,
      () => replicaOf(t, deploy.env({ DEPLOY_SCRIPT: deploy.scripts.dir })),
    ],
  ])(
    "answers 'not configured' and stores nothing when DEPLOY_SCRIPT %s",
    async (_case, expected, appToAsk) => {
      const chat = freshGroup();
      const app = await appToAsk();
      try {
        const replies = await say(app, "/deploy main", OPERATOR, chat);
        expect(replies.map((r) => r.text)).toEqual([expected]);
        expect(buttonsOf(replies[0]!.params)).toEqual([]);
        expect(await actionsIn(t.pool, chat.id)).toEqual([]);
      } finally {
        if (app !== t) await app.close();
        await deploy.useScript("#!/bin/bash\necho ok\n");
      }
    },
  );

  it("offers Confirm/Cancel holding only the action id, stored pending for CONFIRM_TTL_SECONDS", async () => {
    const chat = freshGroup();
    const offer = await requestDeploy(t, "v1.2.3", chat);

    expect(offer.text).toBe(
      "🚀 <b>Deploy</b> <code>v1.2.3</code> requested by @olga_ops.\nConfirm within 2m.",
    );
    expect(offer.row.expires_at.getTime() - offer.row.created_at.getTime()).toBe(120_000);
    expect(offer.row).toMatchObject({
      requested_by: OPERATOR.id,
      requested_by_name: "@olga_ops",
      confirmed_by: null,
      started_at: null,
    });
    expect(Buffer.byteLength(offer.confirm)).toBeLessThanOrEqual(64);
    expect(await auditEvents(t, offer.id)).toEqual(["requested"]);
  });
});
