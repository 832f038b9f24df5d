// Failure behaviour and alerts (docs/runtime.md, docs/alerts.md), proven on the bot as a real process: PostgreSQL,
// Redis, the API and Telegram fail under it while it runs, and it keeps answering, pages
// once, recovers by itself, delivers every alert exactly once and stops cleanly.
import { beforeAll, describe, expect, it } from "vitest";
import {
  actionsIn,
  buttonsOf,
  createScriptDir,
  freshGroup,
  linesOf,
  liveGroupMembers,
  type ActionRecord,
} from "../kit/actions.js";
import { eventually, insertStuckWorkers } from "../kit/alerts.js";
import { TEST_SECRET, TEST_TOKEN } from "../kit/build-test-app.js";
import type { Fault, RecordedCall } from "../kit/fake-bot-api.js";
import { testRedisUrl } from "../kit/redis.js";
import { OPERATOR } from "../kit/updates.js";
import {
  cleanupStack,
  healthLine,
  isAlertMessage,
  setUpScenario,
  sleep,
  type Scenario,
} from "./scenario.js";
import { insertJobs } from "../kit/rows.js";

const TOKEN_SECRET = TEST_TOKEN.split(":")[1]!;
// Enough ticks (one a second) for a duplicate to have shown up if there were one.
const SETTLE_MS = 3_000;

let redisUrl: string | null = null;
beforeAll(async () => {
  redisUrl = await testRedisUrl();
});

function expectNoSecretsIn(s: Scenario): void {
  for (const line of s.bot.output().split("\n")) {
    expect(line).not.toContain(TOKEN_SECRET);
    expect(line).not.toContain(TEST_SECRET);
  }
}

/** The process is alive and its own liveness endpoint answers. */
async function expectAlive(s: Scenario): Promise<void> {
  expect(s.bot.child.exitCode).toBeNull();
  const { status, body } = await s.bot.healthz();
  expect([200, 503]).toContain(status);
  expect(body.version).toBeTypeOf("string");
}

const isDbUnavailable = (reply: string) => reply.startsWith("❌ PostgreSQL unavailable");

/** A job that is neither failed nor overdue: /jobs has a table to show, nothing alerts. */
async function insertHealthyJob(s: Scenario): Promise<void> {
  const now = Date.now();
  await insertJobs(s.admin, [
    {
      job: "digest",
      lastStatus: "ok",
      lastRunAt: new Date(now - 60_000),
      nextRunAt: new Date(now + 3_600_000),
    },
  ]);
}

/**
 * The same update POSTed three times (twice at the same moment, once later): answered 200
 * every time, handled once, its claim held by PostgreSQL (Redis is absent or cut).
 */
async function expectRedeliveryHandledOnceViaPostgres(s: Scenario): Promise<void> {
  const chat = freshGroup("dedup");
  const update = s.updates.message("/whoami", { chat });
  const first = await Promise.all([s.bot.post(update), s.bot.post(update)]);
  const again = await s.bot.post(update);
  expect([...first, again].map((r) => r.status)).toEqual([200, 200, 200]);
  await s.fake.waitForCall("sendMessage", (c) => Number(c.params.chat_id) === chat.id, 10_000);
  await sleep(500);
  const replies = s.fake.callsTo("sendMessage").filter((c) => Number(c.params.chat_id) === chat.id);
  expect(replies).toHaveLength(1);
  const { rows } = await s.admin.query("SELECT 1 FROM opsbot.seen_updates WHERE update_id = $1", [
    update.update_id,
  ]);
  expect(rows).toHaveLength(1);
}

/**
 * sendMessage calls from `from` on, without the first `faulted` of them: the fake fails
 * queued faults in order of arrival, so those are the ones it answered ok.
 */
function answeredOk(calls: RecordedCall[], from: number, faulted: number): RecordedCall[] {
  return calls
    .slice(from)
    .filter((c) => c.method.toLowerCase() === "sendmessage")
    .slice(faulted);
}

async function alertsThroughFaults(s: Scenario, faults: Fault[], deliveredWithinMs: number) {
  const from = s.fake.calls.length;
  for (const fault of faults) s.fake.failNext("sendMessage", fault);
  // Three alerts a couple of ticks apart: several messages meet the faults.
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push(...(await insertStuckWorkers(s.admin, new Date())));
    await sleep(1_500);
  }
  const delivered = (id: number) =>
    answeredOk(s.fake.calls, from, faults.length).filter((c) =>
      isAlertMessage(c, s.alertChat.id, `stuck_worker:${id}`, "firing"),
    );
  await eventually(
    () => ids.every((id) => delivered(id).length >= 1),
    deliveredWithinMs,
    "every alert delivered through the faults",
  );
  await sleep(SETTLE_MS);
  for (const id of ids) expect(delivered(id), `stuck_worker:${id}`).toHaveLength(1);
  return { from, ids };
}

describe.concurrent("the bot as a process, with what it depends on failing", () => {
  describe("PostgreSQL and Redis", () => {
    // Both use this file's Redis database (the pg_down page lives there): one at a time.
    describe.sequential("behind proxies that cut them", () => {
      it("PostgreSQL cut mid-run: /health says so, commands say so in one line, pg_down pages once after DOWN_AFTER_SECONDS of failing probes, and all recovers by itself", async ({
        onTestFinished,
        skip,
      }) => {
        if (!redisUrl) skip("no Redis");
        const s = await setUpScenario(
          { redisUrl, firstUpdateId: 10_000 },
          cleanupStack(onTestFinished),
        );
        await insertHealthyJob(s);
        expect(await s.ask("/jobs")).toContain("Scheduled jobs");

        await s.pgProxy.cut("refuse");
        const health = await s.ask("/health");
        expect(healthLine(health, "PostgreSQL")).toMatch(/^❌ <b>PostgreSQL<\/b> down/);
        expect(healthLine(health, "API")).toMatch(/^✅/);
        expect(healthLine(health, "Redis")).toMatch(/^✅/);
        for (const command of ["/jobs", "/stuck", "/sync", "/stuck 5"]) {
          const reply = await s.ask(command);
          expect(isDbUnavailable(reply), `${command}: ${reply}`).toBe(true);
          expect(reply).not.toContain("\n");
        }

        const page = await s.fake.waitForCall(
          "sendMessage",
          (c) => isAlertMessage(c, s.alertChat.id, "pg_down", "firing"),
          20_000,
        );
        // Paged by the probe loop once every probe had failed for DOWN_AFTER_SECONDS (2 s),
        // after the ticks it skipped meanwhile said why.
        const skipped = s.bot
          .logs()
          .filter((e) => e.msg.startsWith("PostgreSQL unreachable") && e.time <= page.at);
        expect(skipped.length).toBeGreaterThanOrEqual(1);
        await sleep(SETTLE_MS);
        expect(s.alertCalls("pg_down", "firing")).toHaveLength(1);
        expect(s.bot.child.exitCode).toBeNull();

        await s.pgProxy.restore();
        await eventually(
          async () => (await s.ask("/jobs")).includes("Scheduled jobs"),
          20_000,
          "/jobs answering a table again",
        );
        await s.fake.waitForCall(
          "sendMessage",
          (c) => isAlertMessage(c, s.alertChat.id, "pg_down", "resolved"),
          20_000,
        );
        expect(await s.ask("/sync")).toContain("No connectors found");
        await sleep(SETTLE_MS);
        expect(s.alertCalls("pg_down", "resolved")).toHaveLength(1);
        expect(s.alertCalls("pg_down", "firing")).toHaveLength(1);
        await expectAlive(s);
        expectNoSecretsIn(s);
      }, 90_000);

      it("Redis cut mid-run: commands are answered, dedup falls back to PostgreSQL, a stuck run inserted meanwhile pages exactly once", async ({
        onTestFinished,
        skip,
      }) => {
        if (!redisUrl) skip("no Redis");
        const s = await setUpScenario(
          { redisUrl, firstUpdateId: 30_000 },
          cleanupStack(onTestFinished),
        );
        await insertHealthyJob(s);
        expect(healthLine(await s.ask("/health"), "Redis")).toMatch(/^✅/);

        await s.redisProxy!.cut("refuse");
        expect(healthLine(await s.ask("/health"), "Redis")).toMatch(/^❌ <b>Redis<\/b> down/);
        expect(await s.ask("/jobs")).toContain("Scheduled jobs");
        await expectRedeliveryHandledOnceViaPostgres(s);

        const [id] = await insertStuckWorkers(s.admin, new Date());
        await s.fake.waitForCall(
          "sendMessage",
          (c) => isAlertMessage(c, s.alertChat.id, `stuck_worker:${id}`, "firing"),
          15_000,
        );
        await s.fake.waitForCall(
          "sendMessage",
          (c) => isAlertMessage(c, s.alertChat.id, "redis_down", "firing"),
          15_000,
        );
        await sleep(SETTLE_MS);
        expect(s.alertCalls(`stuck_worker:${id}`, "firing")).toHaveLength(1);
        expect(s.alertCalls("redis_down", "firing")).toHaveLength(1);

        await s.redisProxy!.restore();
        await s.fake.waitForCall(
          "sendMessage",
          (c) => isAlertMessage(c, s.alertChat.id, "redis_down", "resolved"),
          20_000,
        );
        await sleep(SETTLE_MS);
        expect(s.alertCalls("redis_down", "resolved")).toHaveLength(1);
        expect(s.alertCalls(`stuck_worker:${id}`, "firing")).toHaveLength(1);
        await expectAlive(s);
        expectNoSecretsIn(s);
      }, 90_000);
    });

    it("PostgreSQL behind a dead link (new connections held, never answered): every command is still answered within seconds, pg_down pages once, and all recovers by itself", async ({
      onTestFinished,
    }) => {
      const s = await setUpScenario({ firstUpdateId: 15_000 }, cleanupStack(onTestFinished));
      await insertHealthyJob(s);
      expect(await s.ask("/jobs")).toContain("Scheduled jobs");

      await s.pgProxy.cut("hold");
      // Telegram gives a webhook about 10 s before it redelivers. A command waits out two
      // 3 s connection timeouts: the dedup claim, then its reads (side by side).
      const timed = async (command: string) => {
        const started = Date.now();
        const reply = await s.ask(command);
        expect(Date.now() - started, `${command} answered in`).toBeLessThan(10_000);
        return reply;
      };
      const jobs = await timed("/jobs");
      expect(isDbUnavailable(jobs), jobs).toBe(true);
      expect(jobs).not.toContain("\n");
      expect(healthLine(await timed("/health"), "PostgreSQL")).toMatch(
        /^❌ <b>PostgreSQL<\/b> down/,
      );
      await s.fake.waitForCall(
        "sendMessage",
        (c) => isAlertMessage(c, s.alertChat.id, "pg_down", "firing"),
        30_000,
      );

      await s.pgProxy.restore();
      await eventually(
        async () => (await s.ask("/jobs")).includes("Scheduled jobs"),
        20_000,
        "/jobs answering a table again",
      );
      await s.fake.waitForCall(
        "sendMessage",
        (c) => isAlertMessage(c, s.alertChat.id, "pg_down", "resolved"),
        20_000,
      );
      await sleep(SETTLE_MS);
      expect(s.alertCalls("pg_down", "firing")).toHaveLength(1);
      expect(s.alertCalls("pg_down", "resolved")).toHaveLength(1);
      await expectAlive(s);
    }, 90_000);

    it("PostgreSQL resetting connections (accepted, then reset — a pooler or server going down): every command still says so in one line", async ({
      onTestFinished,
    }) => {
      const s = await setUpScenario({ firstUpdateId: 17_000 }, cleanupStack(onTestFinished));
      await s.pgProxy.cut("reset");
      for (const command of ["/jobs", "/stuck", "/sync", "/jobs", "/stuck", "/sync"]) {
        const reply = await s.ask(command);
        expect(isDbUnavailable(reply), `${command}: ${reply}`).toBe(true);
      }
      await expectAlive(s);
    }, 60_000);

    it("without Redis: commands are answered, a redelivered update runs once (PostgreSQL dedup), a stuck run pages once", async ({
      onTestFinished,
    }) => {
      const s = await setUpScenario({ firstUpdateId: 20_000 }, cleanupStack(onTestFinished));
      expect(await s.ask("/whoami")).toContain(String(OPERATOR.id));
      expect(healthLine(await s.ask("/health"), "Redis")).toMatch(
        /^➖ <b>Redis<\/b> not configured/,
      );

      await expectRedeliveryHandledOnceViaPostgres(s);

      const [id] = await insertStuckWorkers(s.admin, new Date());
      await s.fake.waitForCall(
        "sendMessage",
        (c) => isAlertMessage(c, s.alertChat.id, `stuck_worker:${id}`, "firing"),
        15_000,
      );
      await sleep(SETTLE_MS);
      expect(s.alertCalls(`stuck_worker:${id}`, "firing")).toHaveLength(1);
      await expectAlive(s);
    }, 60_000);
  });

  describe("the API failing", () => {
    it("hanging, 503 and garbage: /health shows which, api_down pages once after DOWN_AFTER_SECONDS of failing probes, resolves once, no crash", async ({
      onTestFinished,
    }) => {
      const s = await setUpScenario({ firstUpdateId: 40_000 }, cleanupStack(onTestFinished));
      expect(healthLine(await s.ask("/health"), "API")).toMatch(/^✅ <b>API<\/b>/);

      // Only the watcher asks the API until the page: its failing requests are the ticks.
      const since = Date.now();
      s.api.mode = "503";
      const page = await s.fake.waitForCall(
        "sendMessage",
        (c) => isAlertMessage(c, s.alertChat.id, "api_down", "firing"),
        20_000,
      );
      expect(s.api.failingBetween(since, page.at)).toBeGreaterThanOrEqual(2);
      expect(String(page.params.text)).toContain("HTTP 503");

      s.api.mode = "hang";
      const hung = healthLine(await s.ask("/health"), "API");
      expect(hung).toMatch(/^❌ <b>API<\/b> down/);
      expect(hung).toMatch(/no answer within \d+ ms/);

      s.api.mode = "503";
      const unavailable = await s.ask("/health");
      expect(healthLine(unavailable, "API")).toMatch(/^❌ <b>API<\/b> down.*HTTP 503/);
      expect(unavailable).toContain('received: <code>{"status":"error"');

      s.api.mode = "garbage";
      const garbage = await s.ask("/health");
      expect(healthLine(garbage, "API")).toMatch(/^❌ <b>API<\/b> down.*not JSON/);
      expect(garbage).toContain("received: <code>&lt;html&gt;502 Bad Gateway");
      // The bot's own components are fine meanwhile.
      expect(healthLine(garbage, "PostgreSQL")).toMatch(/^✅/);

      expect(s.alertCalls("api_down", "firing")).toHaveLength(1);
      s.api.mode = "ok";
      await s.fake.waitForCall(
        "sendMessage",
        (c) => isAlertMessage(c, s.alertChat.id, "api_down", "resolved"),
        20_000,
      );
      await sleep(SETTLE_MS);
      expect(s.alertCalls("api_down", "firing")).toHaveLength(1);
      expect(s.alertCalls("api_down", "resolved")).toHaveLength(1);
      expect((await s.bot.healthz()).status).toBe(200);
      await expectAlive(s);
    }, 90_000);
  });

  describe("Telegram failing under the alert outbox", () => {
    it("429 (retry_after 1), 500 and connection resets on sendMessage: every alert delivered exactly once, 429 waited out, no crash, no token in the logs", async ({
      onTestFinished,
    }) => {
      const s = await setUpScenario({ firstUpdateId: 50_000 }, cleanupStack(onTestFinished));
      const faults: Fault[] = [
        { kind: "429", retryAfter: 1 },
        { kind: "500" },
        { kind: "reset" },
        { kind: "429", retryAfter: 1 },
        { kind: "reset" },
        { kind: "500" },
      ];
      // Five failures back off 1 + 2 + 4 + 8 + 16 s at worst, the 429s waited out besides.
      const { from } = await alertsThroughFaults(s, faults, 60_000);

      // After each 429 the next attempt waited at least retry_after.
      const sends = s.fake.calls
        .slice(from)
        .filter((c) => c.method.toLowerCase() === "sendmessage");
      faults.forEach((fault, i) => {
        if (fault.kind !== "429") return;
        expect(sends[i + 1]!.at - sends[i]!.at).toBeGreaterThanOrEqual(950);
      });
      await expectAlive(s);
      // A failing tick did not stop the watcher: a new alert still goes out at once.
      const [late] = await insertStuckWorkers(s.admin, new Date());
      await s.fake.waitForCall(
        "sendMessage",
        (c) => isAlertMessage(c, s.alertChat.id, `stuck_worker:${late}`, "firing"),
        10_000,
      );
      expectNoSecretsIn(s);
    }, 120_000);

    it("sendMessage hanging a few times: every alert still delivered exactly once in the end, no crash, no token in the logs", async ({
      onTestFinished,
      expect,
    }) => {
      const s = await setUpScenario({ firstUpdateId: 60_000 }, cleanupStack(onTestFinished));
      // A hung request must be given up and retried: 70 s covers two hangs under any sane
      // client timeout plus the outbox's backoff, on a loaded machine too.
      await expect
        .soft(alertsThroughFaults(s, [{ kind: "hang" }, { kind: "hang" }], 70_000))
        .resolves.toBeDefined();
      await expectAlive(s);
      expectNoSecretsIn(s);
    }, 120_000);
  });

  describe("SIGTERM", () => {
    it("during a watcher tick: the tick in flight finishes, the lease is released, exit 0 within the deadline", async ({
      onTestFinished,
    }) => {
      // The API hangs past the bot's check timeout: every tick takes seconds.
      const s = await setUpScenario(
        { firstUpdateId: 70_000, api: "hang" },
        cleanupStack(onTestFinished),
      );
      await eventually(() => s.api.requests.length > 0, 10_000, "a tick in flight");
      const { code, ms } = await s.bot.terminate(30_000);
      expect(code, s.bot.output()).toBe(0);
      expect(ms).toBeLessThan(25_000);
      expect(s.bot.stdout()).toContain("shutting down");
      const unfinished = await s.admin.query(
        "SELECT tick_key FROM opsbot.watcher_ticks WHERE finished_at IS NULL",
      );
      expect(unfinished.rows).toEqual([]);
      const lease = await s.admin.query<{ holder: string | null }>(
        "SELECT holder FROM opsbot.watcher_lease",
      );
      expect(lease.rows[0]?.holder).toBeNull();
      expectNoSecretsIn(s);
    }, 60_000);

    it("while the alert outbox waits on a hanging sendMessage: exit 0 within the deadline", async ({
      onTestFinished,
    }) => {
      const s = await setUpScenario({ firstUpdateId: 65_000 }, cleanupStack(onTestFinished));
      s.fake.failNext("sendMessage", { kind: "hang" }, 100);
      await insertStuckWorkers(s.admin, new Date());
      await s.fake.waitForCall(
        "sendMessage",
        (c) => Number(c.params.chat_id) === s.alertChat.id,
        15_000,
      );
      const { code, ms } = await s.bot.terminate(40_000);
      expect(code, "exit code").toBe(0);
      expect(ms).toBeLessThan(25_000);
      expect(s.bot.stdout()).not.toContain("shutdown deadline passed");
    }, 90_000);

    it("during a running deploy: exit 0, the action is marked interrupted (not left running), its script group is stopped, and a restart does not re-run it", async ({
      onTestFinished,
    }) => {
      const defer = cleanupStack(onTestFinished);
      const scripts = await createScriptDir("opsbot-faults-");
      defer(() => scripts.remove());
      const counter = scripts.file("counter");
      const script = await scripts.write(
        scripts.file("deploy"),
        `#!/bin/sh\necho "run $1" >> '${counter}'\necho "deploying $1"\nsleep 30\necho done\n`,
      );
      const s = await setUpScenario(
        {
          firstUpdateId: 80_000,
          env: { DEPLOY_SCRIPT: script, ACTION_TIMEOUT_SECONDS: "600", PROGRESS_EDIT_SECONDS: "1" },
        },
        defer,
      );
      const chat = freshGroup("deploy");
      expect((await s.bot.post(s.updates.message("/deploy v7", { chat }))).status).toBe(200);
      const offer = await s.fake.waitForCall(
        "sendMessage",
        (c) => Number(c.params.chat_id) === chat.id && String(c.params.text).includes("Deploy"),
        10_000,
      );
      const confirm = buttonsOf(offer.params).find((b) => b.text === "Confirm")!.callback_data;
      let action: ActionRecord | undefined;
      await eventually(
        async () => {
          [action] = await actionsIn(s.admin, chat.id);
          return action?.message_id != null;
        },
        5_000,
        "the offer's message id stored",
      );
      const press = s.updates.callback(confirm, { chat, messageId: Number(action!.message_id) });
      expect((await s.bot.post(press)).status).toBe(200);
      await eventually(async () => (await linesOf(counter)).length === 1, 10_000, "script started");
      [action] = await actionsIn(s.admin, chat.id);
      expect(action?.state).toBe("running");
      // The audit's "started" row lands just after the spawn: the script may be quicker.
      let pid = 0;
      await eventually(
        async () => {
          const { rows } = await s.admin.query<{ pid: number }>(
            "SELECT (detail->>'pid')::int AS pid FROM opsbot.audit WHERE action_id = $1 AND event = 'started'",
            [action!.id],
          );
          pid = rows[0]?.pid ?? 0;
          return pid > 0;
        },
        10_000,
        "the started audit row",
      );

      const { code, ms } = await s.bot.terminate(40_000);
      expect(code, s.bot.output()).toBe(0);
      expect(ms).toBeLessThan(25_000);
      [action] = await actionsIn(s.admin, chat.id);
      expect(action?.state).toBe("interrupted");
      expect(action?.finished_at).not.toBeNull();
      expect(await liveGroupMembers(pid)).toEqual([]);

      await s.restart();
      // Start-up and every tick reap lapsed actions: give them a few ticks to (not) act.
      await sleep(SETTLE_MS);
      expect(await linesOf(counter)).toHaveLength(1);
      const after = await actionsIn(s.admin, chat.id);
      expect(after.map((a) => a.state)).toEqual(["interrupted"]);
      const second = await s.bot.terminate(30_000);
      expect(second.code).toBe(0);
      expectNoSecretsIn(s);
    }, 90_000);
  });
});
