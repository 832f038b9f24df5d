// Helpers for the guarded-executor tests: scripts in a temp dir, a stand-in for the API's
// /health, reads of opsbot.actions and opsbot.audit, the buttons and messages the bot
// sent, and the live members of a process group (from /proc).
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Chat } from "grammy/types";
import type { Pool } from "../../src/db/pool.js";
import type { FakeBotApi, RecordedCall } from "./fake-bot-api.js";
import { eventually } from "./eventually.js";

/** A temp dir for scripts and the files they write; `remove()` deletes it. */
export async function createScriptDir(prefix = "opsbot-actions-") {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  let n = 0;
  return {
    dir,
    /** A fresh path in the dir (for a counter or an output file). */
    file: (name: string) => join(dir, `${name}-${++n}`),
    /**
     * Writes an executable at `path` (rename over it: a new inode, so a script still being
     * read by bash is never changed under it). Returns the path.
     */
    async write(path: string, body: string, mode = 0o755): Promise<string> {
      const temp = join(dir, `.tmp-${randomBytes(4).toString("hex")}`);
      await writeFile(temp, body);
      await chmod(temp, mode);
      await rename(temp, path);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Lines of a file written by a script; [] when the script never wrote it. */
export async function linesOf(path: string): Promise<string[]> {
  try {
    return (await readFile(path, "utf8")).split("\n").filter((l) => l !== "");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** The API's /health: 200 ok, or 503 while `state.healthy` is false. Counts requests. */
export async function startHealthStub() {
  const state = { healthy: true, requests: 0 };
  const server = createServer((_req, res) => {
    state.requests++;
    if (state.healthy) {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end('{"status":"ok","sse":{"clients":1},"redis":"ok"}');
    } else {
      res.writeHead(503, { "content-type": "application/json" }).end('{"status":"error"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    state,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let groups = 0;

/** A supergroup of its own per test: its message ids start at 1 and its calls are its own. */
export function freshGroup(title = "ops test"): Chat.SupergroupChat {
  return {
    id: -1_005_000_000_000 - process.pid * 1000 - ++groups,
    type: "supergroup",
    title: `${title} ${groups}`,
  };
}

export interface ActionRecord {
  id: string;
  kind: string;
  ref: string;
  state: string;
  requested_by: number;
  requested_by_name: string;
  confirmed_by: number | null;
  confirmed_by_name: string | null;
  chat_id: number;
  message_id: number | null;
  created_at: Date;
  expires_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  lease_expires_at: Date | null;
  exit_code: number | null;
  output_tail: string | null;
  script_pgid: number | null;
}

export async function actionById(pool: Pool, id: string): Promise<ActionRecord | undefined> {
  const { rows } = await pool.query<ActionRecord>("SELECT * FROM opsbot.actions WHERE id = $1", [
    id,
  ]);
  return rows[0];
}

/** Every action of a chat, oldest first. */
export async function actionsIn(pool: Pool, chatId: number): Promise<ActionRecord[]> {
  const { rows } = await pool.query<ActionRecord>(
    "SELECT * FROM opsbot.actions WHERE chat_id = $1 ORDER BY created_at, id",
    [chatId],
  );
  return rows;
}

export interface AuditRecord {
  event: string;
  actor_id: number | null;
  actor_name: string | null;
  detail: Record<string, unknown> | null;
}

export async function auditOf(pool: Pool, actionId: string): Promise<AuditRecord[]> {
  const { rows } = await pool.query<AuditRecord>(
    "SELECT event, actor_id, actor_name, detail FROM opsbot.audit WHERE action_id = $1 ORDER BY id",
    [actionId],
  );
  return rows;
}

export async function waitForState(
  pool: Pool,
  id: string,
  states: readonly string[],
  timeoutMs = 10_000,
): Promise<ActionRecord> {
  let last: ActionRecord | undefined;
  await eventually(
    async () => {
      last = await actionById(pool, id);
      return last !== undefined && states.includes(last.state);
    },
    timeoutMs,
    `action ${id} in ${states.join("/")} (last: ${last?.state ?? "none"})`,
  );
  return last!;
}

/** A finished action as it would be after a real run (for history, rollback targets...). */
export async function insertAction(
  pool: Pool,
  row: {
    kind?: "deploy" | "rollback";
    ref: string;
    state: string;
    chatId: number;
    finishedAt?: Date | null;
    startedAt?: Date | null;
    leaseExpiresAt?: Date | null;
    requestedBy?: { id: number; name: string };
  },
): Promise<string> {
  const finishedAt = row.finishedAt === undefined ? new Date() : row.finishedAt;
  const startedAt =
    row.startedAt === undefined
      ? finishedAt && new Date(finishedAt.getTime() - 30_000)
      : row.startedAt;
  const createdAt = new Date((startedAt ?? finishedAt ?? new Date()).getTime() - 10_000);
  const requester = row.requestedBy ?? { id: 1001, name: "@olga_ops" };
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO opsbot.actions (id, kind, ref, state, requested_by, requested_by_name,
       confirmed_by, confirmed_by_name, chat_id, created_at, expires_at, started_at, finished_at,
       lease_expires_at, exit_code)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $4, $5, $6, $7, $7::timestamptz + interval '2 minutes',
       $8, $9, $10, $11)
     RETURNING id`,
    [
      row.kind ?? "deploy",
      row.ref,
      row.state,
      requester.id,
      requester.name,
      row.chatId,
      createdAt,
      startedAt,
      finishedAt,
      row.leaseExpiresAt ?? null,
      row.state === "succeeded" ? 0 : row.state === "failed" ? 1 : null,
    ],
  );
  return rows[0]!.id;
}

export interface Button {
  text: string;
  callback_data: string;
}

const asObject = (value: unknown) =>
  (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;

/** The inline buttons of a sent or edited message, in order. */
export function buttonsOf(params: Record<string, unknown>): Button[] {
  if (params.reply_markup === undefined) return [];
  const markup = asObject(params.reply_markup) as { inline_keyboard?: Button[][] };
  return markup.inline_keyboard?.flat() ?? [];
}

export interface SentText {
  method: string;
  chat_id: number;
  message_id?: number;
  text: string;
  params: Record<string, unknown>;
}

/** sendMessage and editMessageText calls aimed at a chat, in order. */
export function textsIn(fake: FakeBotApi, chatId: number): SentText[] {
  return fake.calls
    .filter(
      (c) =>
        ["sendmessage", "editmessagetext"].includes(c.method.toLowerCase()) &&
        Number(c.params.chat_id) === chatId,
    )
    .map((c) => ({
      method: c.method,
      chat_id: Number(c.params.chat_id),
      ...(c.params.message_id !== undefined ? { message_id: Number(c.params.message_id) } : {}),
      text: String(c.params.text),
      params: c.params,
    }));
}

/** The answer to one callback query (by the id the update builder gave it). */
export function answerTo(fake: FakeBotApi, updateId: number): Record<string, unknown> | undefined {
  return fake
    .callsTo("answerCallbackQuery")
    .find((c: RecordedCall) => c.params.callback_query_id === `cb${updateId}`)?.params;
}

/**
 * The message id the fake gave the n-th message the bot sent to a chat (sendMessage and
 * sendDocument, in order). Valid while the chat's whole history is in `fake.calls` (no
 * reset since its first message) and no send to it failed.
 */
export function sentMessageId(
  fake: FakeBotApi,
  chatId: number,
  predicate: (params: Record<string, unknown>) => boolean,
): number | undefined {
  const sends = fake.calls.filter(
    (c) =>
      ["sendmessage", "senddocument"].includes(c.method.toLowerCase()) &&
      Number(c.params.chat_id) === chatId,
  );
  const index = sends.findIndex((c) => predicate(c.params));
  return index < 0 ? undefined : index + 1;
}

/**
 * Makes PostgreSQL itself refuse the next `times` audit rows of `event` (a trigger raising
 * an error), as a transient database failure at exactly that step would. Real PostgreSQL,
 * no mock: the statement that writes the row fails whole. Failures are counted with a
 * sequence, the one counter a failed statement does not roll back.
 */
export async function failAuditWrites(pool: Pool, event: string, times: number): Promise<void> {
  if (!/^[a-z_]+$/.test(event)) throw new Error(`not an audit event name: ${event}`);
  await pool.query(`
    CREATE TABLE IF NOT EXISTS public.test_audit_faults (event text PRIMARY KEY, times int NOT NULL);
    CREATE OR REPLACE FUNCTION public.test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      planned int;
    BEGIN
      SELECT times INTO planned FROM public.test_audit_faults WHERE event = NEW.event;
      IF planned IS NOT NULL
         AND nextval(format('public.test_audit_fault_%s', NEW.event)) <= planned THEN
        RAISE EXCEPTION 'injected fault: audit row %', NEW.event;
      END IF;
      RETURN NEW;
    END $$;
    CREATE OR REPLACE TRIGGER test_fail_audit BEFORE INSERT ON opsbot.audit
      FOR EACH ROW EXECUTE FUNCTION public.test_fail_audit();
    CREATE SEQUENCE IF NOT EXISTS public.test_audit_fault_${event};
    SELECT setval('public.test_audit_fault_${event}', 1, false);`);
  await pool.query(
    `INSERT INTO public.test_audit_faults (event, times) VALUES ($1, $2)
     ON CONFLICT (event) DO UPDATE SET times = EXCLUDED.times`,
    [event, times],
  );
}

/** How many injected failures of `event` are still to come. */
export async function auditFaultsLeft(pool: Pool, event: string): Promise<number> {
  const { rows } = await pool.query<{ left: number }>(
    `SELECT greatest(0, f.times - CASE WHEN s.is_called THEN s.last_value ELSE 0 END)::int AS left
       FROM public.test_audit_faults f, public.test_audit_fault_${event} s
      WHERE f.event = $1`,
    [event],
  );
  return rows[0]?.left ?? 0;
}

export { isAlive, liveGroupMembers, liveProcessesWith } from "./processes.js";

export { eventually };
