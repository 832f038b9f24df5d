// The bot's memory under 200 MB of a deploy script's output, with the final edit cut and the
// log attached. Slow (10-40 s, most of it piping output), and never beside runner.test.ts's
// own 200 MB test: on two busy cores the two together outlast their timeouts.
import { describe, expect, it } from "vitest";
import { MESSAGE_LIMIT } from "../../src/bot/format/html.js";
import { freshGroup, textsIn } from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import { peakRetainedGrowth } from "../kit/memory.js";
import { createOperator, isEdit, settle, useDeployFixtures } from "./deploy-kit.js";

describe("deploy: 200 MB of output", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));
  const { requestDeploy, press } = createOperator();

  it("keeps the bot's memory flat under 200 MB of output, cuts the final edit, attaches the log", async () => {
    const chat = freshGroup();
    await deploy.useScript(
      `#!/bin/bash\nhead -c 200000000 /dev/zero | tr '\\0' 'x'\necho\necho "the end"\n`,
    );
    const offer = await requestDeploy(t, "main", chat);
    const growth = await peakRetainedGrowth(async () => {
      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      const row = await settle(t, offer.id, 60_000);
      expect(row.state).toBe("succeeded");
    });

    // As in runner.test.ts: output that was kept would weigh at least the 200 MB printed.
    expect(growth).toBeLessThan(50 * 1024 * 1024);
    const final = textsIn(t.fake, chat.id).filter(isEdit).at(-1)!;
    expect(final.text).toMatch(/^✅ succeeded/);
    expect(final.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(final.text).toContain("the end</pre>");
    expect(final.text).toContain("<i>Full log attached.</i>");
    const documents = t.fake
      .callsTo("sendDocument")
      .filter((c) => Number(c.params.chat_id) === chat.id);
    expect(documents).toHaveLength(1);
    const document = documents[0]!.params.document as { name: string; size: number };
    expect(document.name).toBe("deploy-main.log");
    expect(document.size).toBeGreaterThan(1024 * 1024);
    expect(document.size).toBeLessThanOrEqual(5 * 1024 * 1024 + 100);
    expect(documents[0]!.params.caption).toBe("Output of deploy main");
    for (const edit of textsIn(t.fake, chat.id).filter(isEdit)) {
      expect(edit.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    }
  }, 90_000);
});
