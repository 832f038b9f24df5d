// /history and the action outcomes on /metrics.
import { describe, expect, it } from "vitest";
import { REFUSAL } from "../kit/english.js";
import { MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import { freshGroup } from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import { SECOND_OPERATOR, STRANGER, VIEWER } from "../kit/updates.js";
import { settle, useDeployFixtures, createOperator } from "./deploy-kit.js";

describe("deploy: /history and /metrics", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));
  const { say, requestDeploy, press } = createOperator();

  it("/history lists the latest actions with requester, confirmer, ref, result and duration", async () => {
    const chat = freshGroup();
    await deploy.useScript('#!/bin/bash\nsleep 1.1\n[ "$1" = hist/bad ] && exit 2\nexit 0\n');
    const good = await requestDeploy(t, "hist/good", chat);
    await press(t, good.confirm, { chat, from: SECOND_OPERATOR, messageId: good.messageId });
    await settle(t, good.id);
    const bad = await requestDeploy(t, "hist/bad", chat, SECOND_OPERATOR);
    await press(t, bad.confirm, { chat, messageId: bad.messageId });
    await settle(t, bad.id);
    const pending = await requestDeploy(t, "hist/pending", chat);

    const replies = await say(t, "/history", VIEWER, chat);

    expect(replies).toHaveLength(1);
    const text = replies[0]!.text;
    expect(replies[0]!.params.parse_mode).toBe("HTML");
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain("<b>Recent deploys and rollbacks</b>");
    const lines = text.split("\n");
    const badLine = lines.findIndex((l) => l.includes("hist/bad"));
    const goodLine = lines.findIndex((l) => l.includes("hist/good"));
    expect(badLine).toBeGreaterThan(0);
    expect(goodLine).toBeGreaterThan(badLine); // newest first
    expect(lines[goodLine]).toMatch(
      /deploy\s+hist\/good\s+—\s+succeeded\s+[12]s\s+@olga_ops \/ Omar \(1002\)(<\/pre>)?$/,
    );
    expect(lines[badLine]).toMatch(
      /deploy\s+hist\/bad\s+—\s+failed\s+[12]s\s+Omar \(1002\) \/ @olga_ops(<\/pre>)?$/,
    );
    expect(text).not.toContain("hist/pending");
    expect(pending.row.state).toBe("pending");
  });

  it("/history is refused to a stranger", async () => {
    const chat = freshGroup();
    const replies = await say(t, "/history", STRANGER, chat);
    expect(replies.map((r) => r.text)).toEqual([REFUSAL]);
  });

  it("/metrics counts outcomes in opsbot_action_outcomes_total", async () => {
    const read = async () => {
      const res = await fetch(`${t.baseUrl}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const value = (text: string, outcome: string) =>
      Number(
        new RegExp(
          `^opsbot_action_outcomes_total\\{kind="deploy",outcome="${outcome}"\\} (\\d+)$`,
          "m",
        ).exec(text)?.[1] ?? 0,
      );
    const before = await read();
    const chat = freshGroup();
    await deploy.useScript('#!/bin/bash\n[ "$1" = m/bad ] && exit 1\nexit 0\n');
    for (const ref of ["m/good", "m/bad"]) {
      const offer = await requestDeploy(t, ref, chat);
      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      await settle(t, offer.id);
    }

    const after = await read();

    expect(after).toContain("# TYPE opsbot_action_outcomes_total counter");
    expect(value(after, "succeeded") - value(before, "succeeded")).toBe(1);
    expect(value(after, "failed") - value(before, "failed")).toBe(1);
  });
});
