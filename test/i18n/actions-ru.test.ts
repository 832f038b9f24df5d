// Deploys and rollbacks in Russian, through the real webhook: a person's prompt, buttons,
// refusals and pop-ups follow their language_code; the progress message and its verdicts,
// posted in the group for everyone, follow BOT_LOCALE=ru — even for an English requester.
import { writeFile } from "node:fs/promises";
import type { User } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buttonsOf,
  createScriptDir,
  freshGroup,
  insertAction,
  sentMessageId,
  startHealthStub,
  textsIn,
  waitForState,
} from "../kit/actions.js";
import { buildTestApp, type TestApp } from "../kit/build-test-app.js";
import { createDeployChat } from "../kit/deploy-chat.js";
import { OPERATOR, SECOND_OPERATOR } from "../kit/updates.js";

const RU_OPERATOR: User = { ...OPERATOR, language_code: "ru" };
const RU_SECOND: User = { ...SECOND_OPERATOR, language_code: "ru" };
const EN_OPERATOR: User = { ...OPERATOR, language_code: "en-GB" };
const FINAL = ["succeeded", "failed", "timed_out", "interrupted"];
const DATE_TIME = /\d\d\.\d\d\.\d{4} \d\d:\d\d UTC/.source;

let scripts: Awaited<ReturnType<typeof createScriptDir>>;
let health: Awaited<ReturnType<typeof startHealthStub>>;
let gate: string;
let t: TestApp;

beforeAll(async () => {
  scripts = await createScriptDir("opsbot-actions-ru-");
  health = await startHealthStub();
  gate = scripts.file("gate");
  const deployScript = await scripts.write(
    `${scripts.dir}/deploy.sh`,
    `#!/bin/bash\necho "шаг 1: $1"\nwhile [ ! -e '${gate}' ]; do sleep 0.05; done\necho готово\n`,
  );
  t = await buildTestApp({
    env: {
      BOT_LOCALE: "ru",
      APPROVAL: "other",
      DEPLOY_SCRIPT: deployScript,
      // ROLLBACK_SCRIPT unset: a rollback is refused as not configured.
      API_HEALTH_URL: health.url,
      PROGRESS_EDIT_SECONDS: "1",
      // The shortest: one test waits an unhealthy API's verification out.
      VERIFY_SECONDS: "1",
      WATCH_CRON: "0 0 1 1 *",
    },
  });
});
afterAll(async () => {
  await t?.close();
  await health.close();
  await scripts.remove();
});

describe("a Russian-speaking operator's /deploy", () => {
  it("is offered in Russian, with Подтвердить / Отменить and the two-person rule", async () => {
    const chat = createDeployChat(t, freshGroup(), 970_000);
    const [offer] = await chat.say("/deploy v1.2.3", RU_OPERATOR);
    expect(offer!.text).toBe(
      "🚀 <b>Деплой</b> <code>v1.2.3</code>: запросил @olga_ops.\n" +
        "Подтвердите в течение 2 мин. Подтвердить должен другой оператор (принцип четырёх глаз).",
    );
    expect(buttonsOf(offer!.params).map((b) => b.text)).toEqual(["Подтвердить", "Отменить"]);
  });

  it("refuses a bad ref, the same operator's Confirm and a late Confirm in Russian", async () => {
    const chat = createDeployChat(t, freshGroup(), 971_000);
    expect((await chat.say("/deploy a/../b", RU_OPERATOR)).map((m) => m.text)).toEqual([
      '⛔ Отказ: ref не должен содержать "..". Ничего не запущено.',
    ]);

    await chat.say("/deploy v2", RU_OPERATOR);
    const pending = await chat.pendingAction();
    const own = await chat.press(`act:ok:${pending.id}`, pending.message_id!, RU_OPERATOR);
    expect(own).toMatchObject({
      text: "Принцип четырёх глаз: подтвердить должен другой оператор.",
      show_alert: true,
    });

    await t.pool.query(
      "UPDATE opsbot.actions SET expires_at = now() - interval '1 second' WHERE id = $1",
      [pending.id],
    );
    const late = await chat.press(`act:ok:${pending.id}`, pending.message_id!, RU_SECOND);
    expect(late).toMatchObject({ text: "Запрос истёк. Отправьте команду ещё раз." });
    expect(await chat.seen(/^⌛/)).toBe(
      "⌛ Истекло: <b>Деплой</b> <code>v2</code> не подтвердили вовремя.",
    );
  });

  it("says who cancelled, in the canceller's language", async () => {
    const chat = createDeployChat(t, freshGroup(), 972_000);
    await chat.say("/deploy v3", RU_OPERATOR);
    const pending = await chat.pendingAction();
    const answer = await chat.press(`act:no:${pending.id}`, pending.message_id!, RU_SECOND);
    expect(answer).toMatchObject({ text: "Отменено." });
    expect(await chat.seen(/^✖️/)).toBe("✖️ Omar (1002) отменил: деплой <code>v3</code>.");
  });
});

describe("an action's progress in the group (BOT_LOCALE=ru)", () => {
  it("runs, refuses a second action while it runs, and reports the result, all in Russian", async () => {
    const group = freshGroup();
    const chat = createDeployChat(t, group, 973_000);
    // An English requester gets an English offer; the group's progress is Russian all the same.
    const [offer] = await chat.say("/deploy v4", EN_OPERATOR);
    expect(offer!.text).toMatch(/^🚀 <b>Deploy<\/b> <code>v4<\/code> requested by @olga_ops\./);
    expect(buttonsOf(offer!.params).map((b) => b.text)).toEqual(["Confirm", "Cancel"]);

    const pending = await chat.pendingAction();
    const confirmed = await chat.press(`act:ok:${pending.id}`, pending.message_id!, RU_SECOND);
    expect(confirmed).toMatchObject({ text: "Подтверждено, запускаю." });
    expect(await chat.seen(/шаг 1/)).toMatch(
      /^⏳ <b>Деплой<\/b> <code>v4<\/code>: идёт уже \d+ с, подтвердил Omar \(1002\)\n<pre>шаг 1: v4<\/pre>$/,
    );

    const [busy] = await chat.say("/deploy v5", RU_OPERATOR);
    expect(busy!.text).toMatch(
      new RegExp(
        `^⛔ Занято: <b>Деплой</b> <code>v4</code>, запустил Omar \\(1002\\), идёт с ${DATE_TIME} \\(\\d+ с назад\\)\\. Одновременно — только одно действие\\.$`,
      ),
    );

    await writeFile(gate, "");
    const row = await waitForState(t.pool, pending.id, FINAL);
    expect(row.state).toBe("succeeded");
    expect(await chat.seen(/^✅/)).toMatch(
      /^✅ успешно: <b>Деплой<\/b> <code>v4<\/code> за \d+ с \(код 0\)\n<pre>шаг 1: v4\nготово<\/pre>$/,
    );
    expect(await chat.seen(/^💚/)).toMatch(
      /^💚 <b>Деплой<\/b> <code>v4<\/code>: API в норме через \d+ с\.$/,
    );

    const [history] = await chat.say("/history", RU_OPERATOR);
    const lines = history!.text.split("\n");
    expect(lines[0]).toBe("<b>Последние деплои и откаты</b>");
    expect(lines[1]).toMatch(
      /^<pre>когда\s+что\s+ref\s+коммит\s+итог\s+длилось\s+кто \/ подтвердил$/,
    );
    expect(lines.find((l) => l.includes("v4"))).toMatch(
      /^\d+ с назад\s+деплой\s+v4\s+—\s+успешно\s+\d+ с\s+@olga_ops \/ Omar \(1002\)$/,
    );
  });

  it("says the API is not healthy after a deploy and offers Откатить на the previous one", async () => {
    const chat = createDeployChat(t, freshGroup(), 975_000);
    await writeFile(gate, "");
    health.state.healthy = false;
    try {
      await chat.say("/deploy v6", RU_OPERATOR);
      const pending = await chat.pendingAction();
      await chat.press(`act:ok:${pending.id}`, pending.message_id!, RU_SECOND);
      const verdict = await chat.seen(/^🔴/);
      expect(verdict).toMatch(
        /^🔴 <b>Деплой<\/b> <code>v6<\/code>: API не в норме и через \d+ с \(.+\)\.\nОткатить на <code>v4<\/code>\?$/,
      );
      const sent = textsIn(t.fake, pending.chat_id).find((m) => m.text === verdict)!;
      expect(buttonsOf(sent.params).map((b) => b.text)).toEqual(["Откатить на v4"]);
    } finally {
      health.state.healthy = true;
    }
  });
});

describe("a Russian-speaking operator's /rollback", () => {
  it("offers earlier deploys in Russian, and says a rollback is not configured", async () => {
    const group = freshGroup();
    const chat = createDeployChat(t, group, 974_000);
    await t.pool.query("TRUNCATE opsbot.audit, opsbot.actions");
    const earlier = new Date(Date.now() - 2 * 3_600_000);
    await insertAction(t.pool, {
      ref: "v1.0.0",
      state: "succeeded",
      chatId: group.id,
      finishedAt: earlier,
    });
    await insertAction(t.pool, { ref: "v1.1.0", state: "succeeded", chatId: group.id });

    const [picker] = await chat.say("/rollback", RU_OPERATOR);
    expect(picker!.text).toBe("На какой деплой откатить? (сверху новые; /cancel — выйти)");
    const buttons = buttonsOf(picker!.params);
    expect(buttons.map((b) => b.text)).toEqual(["v1.0.0", "Отменить"]);

    const pickerId = sentMessageId(t.fake, group.id, (p) => p.text === picker!.text);
    await chat.press(buttons[0]!.callback_data, pickerId!, RU_OPERATOR);
    expect(await chat.seen(/^Откатываю/)).toBe("Откатываю на <code>v1.0.0</code>.");
    expect(await chat.seen(/^⚙️/)).toBe(
      "⚙️ Не настроен откат: не задан ROLLBACK_SCRIPT. Ничего не сохранено.",
    );
  });
});
