// The stages of an action a live run rarely shows (a timeout, a failure with its log, an
// interruption, every refused ref), in Russian on plain data.
import { describe, expect, it } from "vitest";
import {
  renderFinished,
  renderInterrupted,
  renderLogCaption,
  renderRefusedRequest,
  renderRollbackTarget,
  renderVerify,
} from "../../src/bot/render/actions.js";
import type { Action } from "../../src/executor/actions-store.js";
import type { RefProblem } from "../../src/executor/ref.js";
import type { RunResult } from "../../src/executor/runner.js";
import { createTranslator } from "../../src/i18n/catalogue.js";

const ru = createTranslator("ru");
const at = new Date("2030-01-01T12:00:00Z");
const rollback: Action = {
  id: "00000000-0000-0000-0000-000000000002",
  kind: "rollback",
  ref: "v1.1",
  state: "running",
  requestedBy: { id: 1, name: "Аня" },
  confirmedBy: null,
  chatId: -100,
  threadId: null,
  messageId: 5,
  createdAt: at,
  expiresAt: at,
  startedAt: at,
  finishedAt: null,
  exitCode: null,
  outputTail: null,
  script: null,
  commit: "abc123",
  previous: "v1.2",
};
const result = (over: Partial<RunResult>): RunResult => ({
  outcome: "failed",
  exitCode: 1,
  signal: null,
  durationMs: 135_000,
  tail: "",
  totalBytes: 0,
  logTruncated: false,
  ...over,
});
const TITLE = "<b>Откат</b> <code>v1.1</code>";

describe("an action's stages in Russian", () => {
  it("failed with its log attached, and timed out with the signal", () => {
    expect(renderFinished(rollback, result({ tail: "нет места\n" }), true, ru)).toBe(
      `❌ ошибка: ${TITLE} за 2 мин (код 1)\nкоммит <code>abc123</code>, до этого <code>v1.2</code>\n<pre>нет места</pre>\n<i>Полный лог во вложении.</i>`,
    );
    const timedOut = result({ outcome: "timed_out", exitCode: null, signal: "SIGKILL" });
    expect(renderFinished({ ...rollback, commit: null, previous: null }, timedOut, false, ru)).toBe(
      `⏱ таймаут (группа процессов остановлена): ${TITLE} за 2 мин (сигнал SIGKILL)`,
    );
    expect(renderLogCaption(rollback, ru)).toBe("Вывод: откат v1.1");
  });

  it("interrupted, and an unhealthy API with nothing to roll back to", () => {
    expect(renderInterrupted(rollback, ru)).toBe(
      `⚠️ ${TITLE} прерван: бот остановился во время выполнения. Повторно не запускался — проверьте сервер, прежде чем запускать снова.`,
    );
    expect(renderVerify(rollback, { healthy: false, waitedMs: 120_000 }, ru)).toBe(
      `🔴 ${TITLE}: API не в норме и через 2 мин.\nОткатывать не на что: успешных деплоев до этого не было.`,
    );
  });

  it.each<[RefProblem, string]>([
    ["shape", "должен быть из 1–100 символов A-Z a-z 0-9 . _ / - и начинаться с буквы или цифры"],
    ["dot_dot", 'не должен содержать ".."'],
    ["double_slash", 'не должен содержать "//"'],
    ["bad_end", 'не должен заканчиваться на "/", "." или ".lock"'],
    ["dot_part", 'ни одна часть не должна начинаться с "."'],
  ])("words the broken ref rule %s", (problem, words) => {
    expect(renderRefusedRequest({ ok: false, reason: "bad_ref", problem }, ru)).toBe(
      `⛔ Отказ: ref ${words}. Ничего не запущено.`,
    );
  });

  it("names the variable of a script that is not executable", () => {
    const refusal = {
      ok: false,
      reason: "not_configured",
      kind: "deploy",
      variable: "DEPLOY_SCRIPT",
      problem: "not_executable",
    } as const;
    expect(renderRefusedRequest(refusal, ru)).toBe(
      "⚙️ Не настроен деплой: DEPLOY_SCRIPT — не исполняемый файл. Ничего не сохранено.",
    );
  });

  it("labels rollback targets: a deploy with its commit, and what ran before one", () => {
    const sha = "0123456789abcdef0123";
    expect(renderRollbackTarget({ ref: sha, deployed: "v1.2" }, ru)).toBe("v1.2 @ 0123456789ab");
    expect(renderRollbackTarget({ ref: sha, before: "v1.2" }, ru)).toBe("0123456789ab (до v1.2)");
  });
});
