// Secrets a deploy script prints are redacted wherever its output goes.
import { beforeAll, describe, expect, it } from "vitest";
import { auditOf, freshGroup, textsIn } from "../kit/actions.js";
import { buildTestApp, TEST_SECRET, TEST_TOKEN, type TestApp } from "../kit/build-test-app.js";
import { createTestDatabase } from "../kit/postgres.js";
import { settle, useDeployFixtures, createOperator } from "./deploy-kit.js";

describe("deploy: secrets a script prints", () => {
  const QUERY_PASSWORD = "pgPasswordInTheQuery42";
  const deploy = useDeployFixtures();
  let t: TestApp;
  beforeAll(async () => {
    const database = await createTestDatabase();
    // libpq's other way of giving a password; trust auth lets it through unused.
    const url = `${database.connectionString}?password=${QUERY_PASSWORD}`;
    t = await buildTestApp({ database, env: deploy.env({ DATABASE_URL: url }) });
    return async () => {
      await t.close();
      await database.drop();
    };
  });
  const { requestDeploy, press } = createOperator();

  it("are redacted in the stored tail, the audit, the messages and the attached log", async () => {
    const chat = freshGroup();
    const secrets = [TEST_TOKEN, TEST_TOKEN.split(":")[1]!, TEST_SECRET, QUERY_PASSWORD];
    // Longer than a message, so the whole log goes along as a document.
    await deploy.useScript(
      `#!/bin/bash\nfor i in $(seq 1 200); do echo "leak $i: ${secrets.join(" ")}"; done\n`,
    );
    const offer = await requestDeploy(t, "v7.0.0", chat);

    await press(t, offer.confirm, { chat, messageId: offer.messageId });
    const row = await settle(t, offer.id);

    expect(row.state).toBe("succeeded");
    const audit = JSON.stringify(await auditOf(t.pool, offer.id));
    const document = t.fake
      .callsTo("sendDocument")
      .find((c) => Number(c.params.chat_id) === chat.id);
    expect(document).toBeDefined();
    const shown = textsIn(t.fake, chat.id)
      .map((m) => m.text)
      .join("\n");
    for (const stored of [row.output_tail!, audit, document!.body.toString("utf8"), shown]) {
      expect(stored).toContain("leak 200: [REDACTED]");
      for (const secret of secrets) expect(stored).not.toContain(secret);
    }
  });
});
