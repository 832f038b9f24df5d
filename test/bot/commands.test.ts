// The command list (src/bot/commands.ts) against the running bot: every declared command has
// a handler, each is counted under its own name, and the list Telegram gets is the same.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/bot/commands.js";
import { buildTestApp, type TestApp } from "../kit/build-test-app.js";
import { closedPort } from "../kit/ports.js";
import { EN, REFUSAL } from "../kit/english.js";
import { createUpdates, OPERATOR, STRANGER, VIEWER } from "../kit/updates.js";

const updates = createUpdates(150_000);
const HINT = EN.t("unhandled-command");
/** A user of exactly each role, and one a role below it. */
const AT = { operator: OPERATOR, viewer: VIEWER } as const;
const BELOW = { operator: VIEWER, viewer: STRANGER } as const;

describe("every declared command", () => {
  let t: TestApp;
  beforeAll(async () => {
    // The API answers nothing at once: /health does not wait for a timeout.
    t = await buildTestApp({
      env: { API_HEALTH_URL: `http://127.0.0.1:${await closedPort()}/health` },
    });
  });
  afterAll(() => t.close());

  it("registers the same list at start with setMyCommands, in its order", () => {
    const registered = t.fake.callsTo("setMyCommands")[0]?.params.commands;
    expect(registered).toEqual(
      COMMANDS.map(({ command }) => ({ command, description: EN.t(`command-${command}`) })),
    );
  });

  it.each(COMMANDS.map((c) => c.command))(
    "/%s is handled: an operator gets an answer, not the unknown-command hint",
    async (name) => {
      t.fake.reset();
      const res = await t.post(updates.message(`/${name}`, { from: OPERATOR }));
      expect(res.status).toBe(200);
      const answers = t.fake.calls.filter((c) => /^send/.test(c.method));
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.map((c) => c.params.text)).not.toContain(HINT);
    },
  );

  // Before the role checks below, which run each command again.
  it("counts each under its own name in /metrics", async () => {
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    for (const { command } of COMMANDS) {
      expect(metrics).toMatch(
        new RegExp(`^opsbot_commands_total\\{command="${command}"\\} 1$`, "m"),
      );
    }
  });

  const guarded = COMMANDS.flatMap((c) =>
    c.role === "unknown" ? [] : [[c.command, c.role] as const],
  );
  it.each(guarded)("/%s is refused a role below %s, and not refused at it", async (name, role) => {
    const answersTo = async (from: (typeof AT)[typeof role]) => {
      t.fake.reset();
      await t.post(updates.message(`/${name}`, { from }));
      return t.fake.calls.filter((c) => /^send/.test(c.method)).map((c) => c.params.text);
    };
    expect(await answersTo(BELOW[role])).toEqual([REFUSAL]);
    expect(await answersTo(AT[role])).not.toContain(REFUSAL);
  });
});
