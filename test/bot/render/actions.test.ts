// The deploy and rollback messages on plain data: each stage's exact text, escaping of
// names, refs and output, and the history table.
import { describe, expect, it } from "vitest";
import {
  renderBusy,
  renderExpired,
  renderFinished,
  renderHistory,
  renderInterrupted,
  renderPending,
  renderRunning,
  renderVerify,
} from "../../../src/bot/render/actions.js";
import type { Action } from "../../../src/executor/actions-store.js";
import { createTranslator } from "../../../src/i18n/catalogue.js";
import type { RunResult } from "../../../src/executor/runner.js";

const en = createTranslator("en");
const NOW = new Date("2030-01-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

const action = (over: Partial<Action> = {}): Action => ({
  id: "00000000-0000-0000-0000-000000000001",
  kind: "deploy",
  ref: "v1.2<3>",
  state: "pending",
  requestedBy: { id: 1, name: "Ann & Co" },
  confirmedBy: null,
  chatId: -100,
  threadId: null,
  messageId: 5,
  createdAt: minutesAgo(10),
  expiresAt: minutesAgo(5),
  startedAt: null,
  finishedAt: null,
  exitCode: null,
  outputTail: null,
  script: null,
  commit: null,
  previous: null,
  ...over,
});

const result = (over: Partial<RunResult> = {}): RunResult => ({
  outcome: "succeeded",
  exitCode: 0,
  signal: null,
  durationMs: 95_000,
  tail: "",
  totalBytes: 0,
  logTruncated: false,
  ...over,
});

const TITLE = "<b>Deploy</b> <code>v1.2&lt;3&gt;</code>";

describe("the stages of an action", () => {
  it("pending: who asked and how long Confirm stays open; the two-person rule when it holds", () => {
    expect(renderPending(action(), "self", en)).toBe(
      `🚀 ${TITLE} requested by Ann &amp; Co.\nConfirm within 5m.`,
    );
    expect(renderPending(action(), "other", en)).toBe(
      `🚀 ${TITLE} requested by Ann &amp; Co.\nConfirm within 5m. Another operator must confirm (two-person rule).`,
    );
  });

  it("running: for how long, who confirmed, and the output escaped; no block without output", () => {
    const confirmed = action({ confirmedBy: { id: 2, name: "Bob" } });
    expect(renderRunning(confirmed, "step <1>\n", 65_000, en)).toBe(
      `⏳ ${TITLE} running for 1m — confirmed by Bob\n<pre>step &lt;1&gt;</pre>`,
    );
    expect(renderRunning(action(), "  \n", 5_000, en)).toBe(`⏳ ${TITLE} running for 5s`);
  });

  it("finished: outcome, duration, exit, what the script reported, and the log note", () => {
    const done = action({ commit: "abc123", previous: "v1.1" });
    expect(renderFinished(done, result({ tail: "ok\n" }), true, en)).toBe(
      `✅ succeeded: ${TITLE} in 1m (exit 0)\ncommit <code>abc123</code>, previously <code>v1.1</code>\n<pre>ok</pre>\n<i>Full log attached.</i>`,
    );
    expect(
      renderFinished(
        action(),
        result({ outcome: "timed_out", exitCode: null, signal: "SIGKILL" }),
        false,
        en,
      ),
    ).toBe(`⏱ timed out (process group stopped): ${TITLE} in 1m (signal SIGKILL)`);
  });

  it("expired and interrupted", () => {
    expect(renderExpired(action(), en)).toBe(`⌛ Expired: ${TITLE} was not confirmed in time.`);
    expect(renderInterrupted(action({ kind: "rollback" }), en)).toBe(
      "⚠️ <b>Rollback</b> <code>v1.2&lt;3&gt;</code> was interrupted: the bot stopped while it ran. It was not re-run; check the target before running it again.",
    );
  });

  it("verdict: healthy, or not with why and what to roll back to (or that nothing is known)", () => {
    expect(renderVerify(action(), { healthy: true, waitedMs: 30_000 }, en)).toBe(
      `💚 API healthy 30s after ${TITLE}.`,
    );
    expect(
      renderVerify(
        action(),
        {
          healthy: false,
          waitedMs: 120_000,
          detail: "HTTP 503 <x>",
          rollbackRef: "v1.1",
        },
        en,
      ),
    ).toBe(
      `🔴 API not healthy 2m after ${TITLE}: HTTP 503 &lt;x&gt;.\nRoll back to <code>v1.1</code>?`,
    );
    expect(renderVerify(action(), { healthy: false, waitedMs: 120_000 }, en)).toBe(
      `🔴 API not healthy 2m after ${TITLE}.\nNo earlier successful deploy is known to roll back to.`,
    );
  });

  it("busy: which action holds the slot, by whom and since when", () => {
    const running = action({ startedAt: minutesAgo(3), confirmedBy: { id: 2, name: "Bob" } });
    expect(renderBusy(running, NOW, en)).toBe(
      `⛔ Another action is running: ${TITLE} by Bob since 2030-01-01 11:57 UTC (3m ago). One at a time.`,
    );
  });
});

describe("renderHistory", () => {
  it("says so when there is none", () => {
    expect(renderHistory([], NOW, en)).toBe("No deploys or rollbacks yet.");
  });

  it("tabulates the actions, escaped, with their commit cut to 12 characters", () => {
    const done = action({
      state: "succeeded",
      commit: "0123456789abcdef",
      startedAt: minutesAgo(9),
      finishedAt: minutesAgo(7),
      confirmedBy: { id: 2, name: "Bob" },
    });
    expect(renderHistory([done, action({ kind: "rollback", ref: "v1" })], NOW, en)).toBe(
      [
        "<b>Recent deploys and rollbacks</b>",
        // Aligned on the text as shown, then escaped.
        "<pre>when     what      ref      commit        result     took  by / confirmed",
        "10m ago  deploy    v1.2&lt;3&gt;  0123456789ab  succeeded  2m    Ann &amp; Co / Bob",
        "10m ago  rollback  v1       —             pending    —     Ann &amp; Co</pre>",
      ].join("\n"),
    );
  });
});
