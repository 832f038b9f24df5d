// What the incident tests share: Alertmanager alerts posted to the app, api_down paged by the
// probes, and reads of the record.
import { afterEach, expect } from "vitest";
import type { Pool } from "../../src/db/pool.js";
import { webhookPayload, type AlertSpec } from "../alertmanager/payloads.js";
import { buildAlertApp, eventually, okTicks, outbox, probeFor } from "../kit/alerts.js";
import type { TestApp } from "../kit/build-test-app.js";
import type { FakeBotApi } from "../kit/fake-bot-api.js";
import type { createFakeClock } from "../kit/fake-clock.js";
import type { TestDatabase } from "../kit/postgres.js";
import { OPERATOR, SECOND_OPERATOR } from "../kit/updates.js";

export const AM_TOKEN = "am-token-0123456789abcdef";
export const SECOND = 1_000;

/** The on-call rota and escalation of the incident tests; api_down pages after 2 s. */
export const PAGING_ENV = {
  ALERTMANAGER_TOKEN: AM_TOKEN,
  ESCALATION: "5m:oncall,10m:next,15m:group",
  ONCALL_SHIFT: "daily 09:00",
  ONCALL_TZ: "UTC",
  PROBE_SECONDS: "1",
  DOWN_AFTER_SECONDS: "2",
  UP_AFTER_SECONDS: "2",
};

type Clock = ReturnType<typeof createFakeClock>;

/** Who is on call, in turn (ONCALL_ROTA of the apps usePagingApps builds). */
export const ROTA = [OPERATOR.id, SECOND_OPERATOR.id];

/**
 * Alert apps with PAGING_ENV and ROTA on call; they, and what closeAfter is handed (fake Bot
 * APIs, databases), are closed after each test, newest first.
 */
export function usePagingApps(api: { readonly url: string }) {
  const open: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    while (open.length > 0) await open.pop()!.close();
  });
  const build = async (
    clock: Clock,
    options: { database?: TestDatabase; fake?: FakeBotApi } = {},
  ): Promise<TestApp> => {
    const t = await buildAlertApp(api.url, {
      clock,
      ...options,
      env: { ...PAGING_ENV, ONCALL_ROTA: ROTA.join(",") },
    });
    open.push(t);
    return t;
  };
  const closeAfter = (...closables: { close(): Promise<unknown> }[]) => {
    open.push(...closables);
  };
  /** Stops the last thing opened (a restart's first half). */
  const closeNewest = async () => {
    await open.pop()?.close();
  };
  return { build, closeAfter, closeNewest };
}

const sentCount = async (t: TestApp) => (await outbox(t.pool)).filter((r) => r.sent_at).length;

/**
 * Posts Alertmanager alerts (started now on `clock`, unless they say) and waits until
 * `messages` more alert messages were sent and the receiver's own tick is over.
 */
export async function postAlerts(
  t: TestApp,
  clock: Clock,
  alerts: AlertSpec[],
  messages = 1,
): Promise<void> {
  const before = await sentCount(t);
  const ticksBefore = await okTicks(t);
  const res = await fetch(`${t.baseUrl}/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${AM_TOKEN}` },
    body: JSON.stringify(
      webhookPayload(alerts.map((a) => ({ startsAt: clock.now().toISOString(), ...a }))),
    ),
  });
  expect(res.status).toBe(200);
  await eventually(
    async () => (await sentCount(t)) >= before + messages,
    5_000,
    `${messages} more messages sent`,
  );
  await eventually(async () => (await okTicks(t)) > ticksBefore, 5_000, "the tick after the batch");
}

/** api_down decided by the probes of `apps` (failing for DOWN_AFTER_SECONDS) and paged. */
export async function pageApiDown(
  apps: TestApp | TestApp[],
  clock: Clock,
  api: { state: { healthy: boolean } },
): Promise<void> {
  api.state.healthy = false;
  await probeFor(apps, clock, 2 * SECOND, SECOND);
  await Promise.all([apps].flat().map((t) => t.app.watcher.probe()));
}

/** api_down resolved by the probes of `apps` (passing for UP_AFTER_SECONDS). */
export async function resolveApiDown(
  apps: TestApp | TestApp[],
  clock: Clock,
  api: { state: { healthy: boolean } },
): Promise<void> {
  api.state.healthy = true;
  await probeFor(apps, clock, 3 * SECOND, SECOND);
}

export interface EventRow {
  at: Date;
  fingerprint: string;
  severity: string;
  event: string;
  actor_id: number | null;
  actor_name: string | null;
  detail: string | null;
}

export async function events(pool: Pool): Promise<EventRow[]> {
  const { rows } = await pool.query<EventRow>(
    `SELECT at, fingerprint, severity, event, actor_id, actor_name, detail
       FROM opsbot.alert_events ORDER BY at, id`,
  );
  return rows;
}

export async function incidents(pool: Pool) {
  const { rows } = await pool.query<{
    id: number;
    opened_at: Date;
    closed_at: Date | null;
    fingerprints: string[];
  }>(
    `SELECT i.id, i.opened_at, i.closed_at,
            ARRAY(SELECT fingerprint FROM opsbot.incident_alerts ia
                   WHERE ia.incident_id = i.id ORDER BY fingerprint) AS fingerprints
       FROM opsbot.incidents i ORDER BY i.id`,
  );
  return rows;
}

/** A finished rollback by @olga_ops, with the audit rows a real run leaves. */
export async function insertRollback(
  pool: Pool,
  run: { ref: string; startedAt: Date; finishedAt: Date },
): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO opsbot.actions (id, kind, ref, state, requested_by, requested_by_name,
       confirmed_by, confirmed_by_name, chat_id, created_at, expires_at, started_at,
       finished_at, exit_code)
     VALUES (gen_random_uuid(), 'rollback', $1, 'succeeded', 1001, '@olga_ops', 1002,
       'Omar (1002)', -100, $2, $2, $2, $3, 0)
     RETURNING id`,
    [run.ref, run.startedAt, run.finishedAt],
  );
  const id = rows[0]!.id;
  await pool.query(
    `INSERT INTO opsbot.audit (action_id, at, event, actor_id, actor_name, detail) VALUES
       ($1, $2, 'requested', 1001, '@olga_ops', '{"ref": "v1.4.2"}'),
       ($1, $2, 'confirmed', 1002, 'Omar (1002)', NULL),
       ($1, $2, 'started', NULL, NULL, '{"pid": 4242}'),
       ($1, $3, 'finished', NULL, NULL, '{"outcome": "succeeded", "exitCode": 0}')`,
    [id, run.startedAt, run.finishedAt],
  );
  return id;
}
