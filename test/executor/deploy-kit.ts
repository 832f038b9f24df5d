// What the guarded-deploy suites (test/executor/deploy-*.test.ts) share: a file's scripts
// dir, the API's /health stand-in and the app whose DEPLOY_SCRIPT they point at, and an
// operator asking, pressing and waiting for the end of a run. Each file gets its own app,
// database and fake Bot API, so the files run in parallel without seeing each other.
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import type { Chat, Update, User } from "grammy/types";
import { beforeAll, expect } from "vitest";
import {
  actionById,
  auditOf,
  buttonsOf,
  createScriptDir,
  eventually,
  startHealthStub,
  textsIn,
  waitForState,
  type ActionRecord,
  type SentText,
} from "../kit/actions.js";
import { buildTestApp, type TestApp, type TestAppOptions } from "../kit/build-test-app.js";
import { pressIn, sayIn } from "../kit/deploy-chat.js";
import { createUpdates, OPERATOR } from "../kit/updates.js";

/** A valid cron that does not come round during the run: the watcher stays out of the way. */
const NEVER_CRON = "0 0 1 1 *";
export const FINAL = ["succeeded", "failed", "timed_out", "interrupted"];
const FINAL_MARK = /^(✅ succeeded|❌ failed|⏱ timed out|⚠️ interrupted)/;

export const isEdit = (m: SentText) => m.method.toLowerCase() === "editmessagetext";

/** A script that appends "run REF" to `counter` (how many times it ran, and with what). */
export const counterScript = (counter: string, extra = "") =>
  `#!/bin/bash\necho "run $1" >> '${counter}'\necho "deploying $1"\n${extra}\n`;

type ScriptDir = Awaited<ReturnType<typeof createScriptDir>>;
type HealthStub = Awaited<ReturnType<typeof startHealthStub>>;

export interface DeployFixtures {
  /** The file's temp dir for scripts and what they write. */
  readonly scripts: ScriptDir;
  /** The API's /health the app verifies deploys against (healthy until told otherwise). */
  readonly health: HealthStub;
  /** DEPLOY_SCRIPT of the file's app: `echo ok` until `useScript` changes it. */
  readonly deployScript: string;
  /** Points DEPLOY_SCRIPT at this body for the next run. */
  useScript(body: string, mode?: number): Promise<string>;
  /** The deploy environment (short progress and verification periods), and `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
}

/**
 * The scripts dir and /health stand-in of a test file, made before its tests and removed
 * after them; read their fields in tests and later hooks.
 */
export function useDeployFixtures(): DeployFixtures {
  let made: { scripts: ScriptDir; health: HealthStub } | undefined;
  beforeAll(async () => {
    const scripts = await createScriptDir("opsbot-deploy-");
    const health = await startHealthStub();
    made = { scripts, health };
    await scripts.write(`${scripts.dir}/deploy.sh`, "#!/bin/bash\necho ok\n");
    // A cleanup, not afterAll: it runs after the file's apps (useTestApp's) are closed.
    return async () => {
      await health.close();
      await scripts.remove();
    };
  });
  const ready = () => {
    if (made === undefined) throw new Error("useDeployFixtures: made once beforeAll ran");
    return made;
  };
  const deployScript = () => `${ready().scripts.dir}/deploy.sh`;
  return {
    get scripts() {
      return ready().scripts;
    },
    get health() {
      return ready().health;
    },
    get deployScript() {
      return deployScript();
    },
    useScript: (body, mode = 0o755) => ready().scripts.write(deployScript(), body, mode),
    env: (extra = {}) => ({
      DEPLOY_SCRIPT: deployScript(),
      API_HEALTH_URL: ready().health.url,
      PROGRESS_EDIT_SECONDS: "1",
      VERIFY_SECONDS: "2",
      WATCH_CRON: NEVER_CRON,
      ...extra,
    }),
  };
}

/** Another app over the same database and fake Bot API as `t`: a replica, or a restart. */
export const replicaOf = (t: TestApp, env: Record<string, string>, options: TestAppOptions = {}) =>
  buildTestApp({ env, database: t.database, fake: t.fake, ...options });

export interface Offer {
  id: string;
  text: string;
  confirm: string;
  cancel: string;
  messageId: number;
  row: ActionRecord;
}

interface PressOptions {
  from?: User;
  chat: Chat;
  messageId: number;
}

/** An operator's side of the chat, through the real webhook, with update ids of its own. */
export function createOperator(updates = createUpdates(910_000)) {
  /** Posts an update, which the webhook must take. */
  async function post(t: TestApp, update: Update): Promise<void> {
    const res = await t.post(update);
    expect(res.status).toBe(200);
  }

  /** Sends a message and returns what the bot sent to that chat in answer. */
  const say = (t: TestApp, text: string, from: User, chat: Chat) =>
    sayIn(t, updates, chat, text, from);

  /** /deploy REF, expecting the Confirm/Cancel offer; returns its buttons and stored action. */
  async function requestDeploy(
    t: TestApp,
    ref: string,
    chat: Chat,
    from: User = OPERATOR,
  ): Promise<Offer> {
    const replies = await say(t, `/deploy ${ref}`, from, chat);
    expect(replies).toHaveLength(1);
    const reply = replies[0]!;
    const buttons = buttonsOf(reply.params);
    expect(buttons.map((b) => b.text)).toEqual(["Confirm", "Cancel"]);
    const confirm = buttons[0]!.callback_data;
    const cancel = buttons[1]!.callback_data;
    const id = /^act:ok:([0-9a-f-]{36})$/.exec(confirm)?.[1];
    expect(id).toBeDefined();
    expect(cancel).toBe(`act:no:${id}`);
    const row = (await actionById(t.pool, id!))!;
    expect(row).toMatchObject({ state: "pending", kind: "deploy", ref, chat_id: chat.id });
    expect(row.message_id).not.toBeNull();
    return { id: id!, text: reply.text, confirm, cancel, messageId: row.message_id!, row };
  }

  /**
   * Presses a button; returns the answerCallbackQuery the press got. The webhook answers once
   * the press is handled: a Confirm that claimed its action has started it by then, so a
   * refused one can be checked at once.
   */
  const press = (t: TestApp, data: string, options: PressOptions) =>
    pressIn(t, updates, options.chat, { data, ...options });

  return { updates, post, say, requestDeploy, press };
}

/** Waits for the action's end: final state, final edit and (after a good deploy) the verdict. */
export async function settle(t: TestApp, id: string, timeoutMs = 15_000): Promise<ActionRecord> {
  const row = await waitForState(t.pool, id, FINAL, timeoutMs);
  await eventually(
    () =>
      textsIn(t.fake, row.chat_id).some(
        (m) => isEdit(m) && m.message_id === row.message_id && FINAL_MARK.test(m.text),
      ),
    // After the state: the log read back (up to 5 MB) and the edit sent.
    10_000,
    "the final edit",
  );
  if (row.kind === "deploy" && row.state === "succeeded") {
    await eventually(
      () => textsIn(t.fake, row.chat_id).some((m) => /API (not )?healthy/.test(m.text)),
      8_000,
      "the verification message",
    );
  }
  return row;
}

/** This user's directories in the temp dir named after an action (its private log's). */
export const logDirsOf = async (id: string) =>
  (await readdir(tmpdir())).filter((name) => name.startsWith(`opsbot-${id}`));

/**
 * Waits until the run of a started action is over in the process that ran it: the last
 * thing a run does, after its result, report and verification, is removing its private log
 * directory. Nothing about that action is sent after this.
 */
export async function runOver(id: string, timeoutMs = 10_000): Promise<void> {
  await eventually(
    async () => (await logDirsOf(id)).every((name) => name.endsWith(".log")),
    timeoutMs,
    `the run of ${id} over (its log directory removed)`,
  );
}

/** The audit trail's events of an action, in order. */
export async function auditEvents(t: TestApp, id: string): Promise<string[]> {
  return (await auditOf(t.pool, id)).map((a) => a.event);
}
