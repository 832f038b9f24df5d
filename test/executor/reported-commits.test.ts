// What a script reports through its protocol lines is recorded and shown (docs/deploys.md):
// the commit in the result and /history, and the `previous` of the very first
// deploy as the target of the Rollback button when the API does not come back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditOf,
  buttonsOf,
  createScriptDir,
  freshGroup,
  startHealthStub,
  textsIn,
} from "../kit/actions.js";
import { buildTestApp, type TestApp } from "../kit/build-test-app.js";
import { createDeployChat } from "../kit/deploy-chat.js";
import { VIEWER } from "../kit/updates.js";

const BEFORE = "1111111111111111111111111111111111111111";
const DEPLOYED = "2222222222222222222222222222222222222222";

let scripts: Awaited<ReturnType<typeof createScriptDir>>;
let health: Awaited<ReturnType<typeof startHealthStub>>;
let t: TestApp;
let deployScript: string;

beforeAll(async () => {
  scripts = await createScriptDir("opsbot-reported-");
  health = await startHealthStub();
  deployScript = `${scripts.dir}/deploy.sh`;
  // `previous` first, then far more output than any tail keeps, then `commit`.
  await scripts.write(
    deployScript,
    `#!/bin/bash
echo "opsbot: previous ${BEFORE} $OPSBOT_NONCE"
for i in $(seq 1 4000); do echo "step $i of a long docker build"; done
echo "opsbot: commit ${DEPLOYED} $OPSBOT_NONCE"
`,
  );
  t = await buildTestApp({
    env: {
      DEPLOY_SCRIPT: deployScript,
      ROLLBACK_SCRIPT: deployScript,
      API_HEALTH_URL: health.url,
      VERIFY_SECONDS: "1",
      WATCH_CRON: "0 0 1 1 *",
    },
  });
});
afterAll(async () => {
  await t.close();
  await health.close();
  await scripts.remove();
});

describe("protocol lines of a deploy script", () => {
  it("records commit and previous, shows them in the result and /history, and audits them", async () => {
    const chat = freshGroup();
    const operator = createDeployChat(t, chat, 940_000);
    await operator.say("/deploy main");

    const row = await operator.confirmAndSettle();

    expect(row.state).toBe("succeeded");
    const stored = await t.pool.query(
      "SELECT commit_sha, previous_ref FROM opsbot.actions WHERE id = $1",
      [row.id],
    );
    expect(stored.rows[0]).toEqual({ commit_sha: DEPLOYED, previous_ref: BEFORE });
    const result = await operator.seen(/^✅ succeeded/);
    expect(result).toContain(
      `\ncommit <code>${DEPLOYED}</code>, previously <code>${BEFORE}</code>\n`,
    );
    expect(
      (await auditOf(t.pool, row.id)).find((a) => a.event === "finished")?.detail,
    ).toMatchObject({
      commit: DEPLOYED,
      previous: BEFORE,
    });
    await operator.seen(/API healthy/);

    const [history] = await operator.say("/history", VIEWER);
    expect(history!.text).toMatch(/deploy\s+main\s+222222222222\s+succeeded/);
  });

  it("offers the reported previous as the rollback when the API does not come back", async () => {
    await t.pool.query("TRUNCATE opsbot.audit, opsbot.actions");
    health.state.healthy = false;
    try {
      const chat = freshGroup();
      const operator = createDeployChat(t, chat, 950_000);
      await operator.say("/deploy main");
      await operator.confirmAndSettle();

      await operator.seen(/API not healthy/);
      const verdict = textsIn(t.fake, chat.id).find((m) => /API not healthy/.test(m.text))!;
      expect(verdict.text).toContain(`Roll back to <code>${BEFORE}</code>?`);
      expect(buttonsOf(verdict.params).map((b) => b.text)).toEqual([`Rollback to ${BEFORE}`]);
    } finally {
      health.state.healthy = true;
    }
  });
});
