// One incident played through the real pipeline on a fixed clock: api_down and an
// Alertmanager alert page, escalation, an Ack, a rollback, a silence, both resolve. The
// timeline test and the postmortem's golden file read what it leaves.
import { expect } from "vitest";
import { outbox } from "../kit/alerts.js";
import type { TestApp } from "../kit/build-test-app.js";
import { createFakeClock, MINUTE } from "../kit/fake-clock.js";
import type { createUpdates } from "../kit/updates.js";
import { OPERATOR, SECOND_OPERATOR, TEAM_GROUP } from "../kit/updates.js";
import { insertRollback, pageApiDown, postAlerts, resolveApiDown, SECOND } from "./helpers.js";

/** A Tuesday night, 02:10 UTC. */
export const SCRIPT_START = new Date("2026-12-01T02:10:00Z");
export const LAG_ALERT = {
  alertname: "PgReplicationLag",
  fingerprint: "0000000000000001",
  severity: "critical",
  summary: "Replica lags 42 s behind the primary",
};
export const LAG_FINGERPRINT = `am:${LAG_ALERT.alertname}:${LAG_ALERT.fingerprint}`;

export const scriptClock = () => createFakeClock(SCRIPT_START);

/**
 * Plays the incident on `t` (ONCALL_ROTA, ESCALATION and ALERTMANAGER_TOKEN set as in
 * PAGING_ENV) from the clock's time, with no incident open; leaves the clock 20 minutes
 * after the first page, the incident closed.
 */
export async function playScriptedIncident(
  t: TestApp,
  clock: ReturnType<typeof createFakeClock>,
  api: { state: { healthy: boolean } },
  updates: ReturnType<typeof createUpdates>,
): Promise<void> {
  api.state.healthy = true;
  await pageApiDown(t, clock, api);
  const pagedAt = clock.now().getTime();
  const at = (ms: number) => clock.set(new Date(pagedAt + ms));
  const page = (await outbox(t.pool)).findLast((r) => r.fingerprints.includes("api_down"))!;

  at(3 * MINUTE);
  const lagStartsAt = clock.now().toISOString();
  await postAlerts(t, clock, [LAG_ALERT]);
  // Step 1 of each chain: api_down's, then the lag alert's.
  at(5 * MINUTE);
  await t.app.paging!.run();
  at(7 * MINUTE);
  const ack = await t.post(
    updates.callback(`ack:${page.id}`, {
      from: OPERATOR,
      chat: TEAM_GROUP,
      messageId: page.message_id!,
    }),
  );
  expect(ack.status).toBe(200);
  at(8 * MINUTE);
  await t.app.paging!.run();
  await insertRollback(t.pool, {
    ref: "v1.4.2",
    startedAt: new Date(pagedAt + 8 * MINUTE + 30 * SECOND),
    finishedAt: new Date(pagedAt + 10 * MINUTE),
  });
  at(9 * MINUTE);
  await t.post(updates.message(`/silence ${LAG_FINGERPRINT} 1h`, { from: SECOND_OPERATOR }));
  at(12 * MINUTE);
  await resolveApiDown(t, clock, api);
  at(20 * MINUTE);
  await postAlerts(t, clock, [{ ...LAG_ALERT, startsAt: lagStartsAt, status: "resolved" }]);
}
