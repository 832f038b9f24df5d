// A run's full log: a private directory, never a planted symlink, removed after the run.
import { readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually, freshGroup } from "../kit/actions.js";
import { useTestApp } from "../kit/build-test-app.js";
import { logDirsOf, runOver, settle, useDeployFixtures, createOperator } from "./deploy-kit.js";

describe("deploy: the log file", () => {
  const deploy = useDeployFixtures();
  const t = useTestApp(() => ({ env: deploy.env() }));
  const { requestDeploy, press } = createOperator();

  it("is created anew in a private directory: a planted symlink is never followed", async () => {
    const chat = freshGroup();
    const gate = deploy.scripts.file("gate");
    await deploy.useScript(
      `#!/bin/bash\necho "written to the log"\nwhile [ ! -e '${gate}' ]; do sleep 0.05; done\n`,
    );
    const offer = await requestDeploy(t, "v8.0.0", chat);
    // The id is in the button data: plant a link where a predictable log would go.
    const victim = deploy.scripts.file("victim");
    await writeFile(victim, "untouched\n");
    const planted = join(tmpdir(), `opsbot-${offer.id}.log`);
    await symlink(victim, planted);
    try {
      await press(t, offer.confirm, { chat, messageId: offer.messageId });
      await eventually(async () =>
        (await logDirsOf(offer.id)).some((n) => n !== `opsbot-${offer.id}.log`),
      );
      const [dirName] = (await logDirsOf(offer.id)).filter((n) => !n.endsWith(".log"));
      const dir = join(tmpdir(), dirName!);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      await eventually(async () =>
        (await readFile(join(dir, "output.log"), "utf8").catch(() => "")).includes("written"),
      );
      expect((await stat(join(dir, "output.log"))).mode & 0o777).toBe(0o600);
      await writeFile(gate, "");
      expect((await settle(t, offer.id)).state).toBe("succeeded");

      expect(await readFile(victim, "utf8")).toBe("untouched\n");
      // Removed once the run is over, the planted link aside.
      await runOver(offer.id);
      expect(await logDirsOf(offer.id)).toEqual([`opsbot-${offer.id}.log`]);
    } finally {
      await writeFile(gate, "");
      await rm(planted, { force: true });
    }
  });
});
