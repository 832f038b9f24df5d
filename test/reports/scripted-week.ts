// A scripted week of alert events and silences, as part 1's recorder would have written them
// (opsbot.alert_events), for the report's tests: the figures are worked out by hand in
// report.test.ts. The clock stands at Monday 2030-06-10 10:00 UTC; ONCALL_TZ is Moscow
// (UTC+3 all year), working hours 09:00-19:00 there.
import type { Pool } from "../../src/db/pool.js";

export const REPORT_NOW = new Date("2030-06-10T10:00:00Z");
export const REPORT_TZ = "Europe/Moscow";

type Event = "fired" | "resolved" | "paged" | "escalated" | "acked" | "silenced";
interface ScriptedEvent {
  at: string;
  fingerprint: string;
  event: Event;
  actor?: string;
}

const KINDS: Record<string, { kind: string; severity: string }> = {
  api_down: { kind: "api_down", severity: "critical" },
  pg_down: { kind: "pg_down", severity: "critical" },
  redis_down: { kind: "redis_down", severity: "critical" },
  "stuck_worker:p:7": { kind: "stuck_worker", severity: "warning" },
  "job_failed:p:sync": { kind: "job_failed", severity: "warning" },
};

const flapping = (hour: string): ScriptedEvent[] =>
  [0, 1, 2, 3, 4].flatMap((i) => [
    {
      at: `${hour}:${String(i * 10).padStart(2, "0")}:00Z`,
      fingerprint: "job_failed:p:sync",
      event: "fired" as const,
    },
    {
      at: `${hour}:${String(i * 10 + 5).padStart(2, "0")}:00Z`,
      fingerprint: "job_failed:p:sync",
      event: "resolved" as const,
    },
  ]);

/** Times are UTC; the comments give Moscow time. */
export const SCRIPTED_WEEK: ScriptedEvent[] = [
  // G: fired and paged before the window (from Mon 06-03 10:00 UTC): neither a page nor an MTTR.
  { at: "2030-06-03T09:00:00Z", fingerprint: "pg_down", event: "fired" },
  { at: "2030-06-03T09:01:00Z", fingerprint: "pg_down", event: "paged" },
  { at: "2030-06-03T11:00:00Z", fingerprint: "pg_down", event: "resolved" },
  // A: Tue 05:00 MSK (night). Paged 05:01, acked 05:05 (4 min), resolved 05:31 (31 min).
  { at: "2030-06-04T02:00:00Z", fingerprint: "api_down", event: "fired" },
  { at: "2030-06-04T02:01:00Z", fingerprint: "api_down", event: "paged" },
  { at: "2030-06-04T02:03:00Z", fingerprint: "api_down", event: "escalated", actor: "Ann" },
  { at: "2030-06-04T02:05:00Z", fingerprint: "api_down", event: "acked", actor: "Ann" },
  { at: "2030-06-04T02:31:00Z", fingerprint: "api_down", event: "resolved" },
  // B: Wed 11:00 MSK (working hours). Paged 11:01, acked 11:03 (2 min; the second ack at
  // 11:10 is not the first), resolved 12:00 (60 min).
  { at: "2030-06-05T08:00:00Z", fingerprint: "pg_down", event: "fired" },
  { at: "2030-06-05T08:01:00Z", fingerprint: "pg_down", event: "paged" },
  { at: "2030-06-05T08:03:00Z", fingerprint: "pg_down", event: "acked", actor: "Bob" },
  { at: "2030-06-05T08:10:00Z", fingerprint: "pg_down", event: "acked", actor: "Ann" },
  { at: "2030-06-05T09:00:00Z", fingerprint: "pg_down", event: "resolved" },
  // C: Thu 20:00 MSK (evening). Paged 20:00, acked 20:10 (10 min), resolved 20:20 (20 min).
  { at: "2030-06-06T17:00:00Z", fingerprint: "api_down", event: "fired" },
  { at: "2030-06-06T17:00:00Z", fingerprint: "api_down", event: "paged" },
  { at: "2030-06-06T17:10:00Z", fingerprint: "api_down", event: "acked", actor: "Bob" },
  { at: "2030-06-06T17:20:00Z", fingerprint: "api_down", event: "resolved" },
  // E: a warning, never paged: Fri, 15 min; no MTTA nor MTTR (those are of pages).
  { at: "2030-06-07T10:00:00Z", fingerprint: "stuck_worker:p:7", event: "fired" },
  { at: "2030-06-07T10:15:00Z", fingerprint: "stuck_worker:p:7", event: "resolved" },
  // D: Sat 12:00 MSK (weekend). Paged 12:02, acked 12:08 (6 min), resolved 14:00 (120 min).
  { at: "2030-06-08T09:00:00Z", fingerprint: "redis_down", event: "fired" },
  { at: "2030-06-08T09:02:00Z", fingerprint: "redis_down", event: "paged" },
  { at: "2030-06-08T09:08:00Z", fingerprint: "redis_down", event: "acked", actor: "Ann" },
  { at: "2030-06-08T09:30:00Z", fingerprint: "redis_down", event: "silenced", actor: "Ann" },
  { at: "2030-06-08T11:00:00Z", fingerprint: "redis_down", event: "resolved" },
  // F: flapping, Sun 15:00-15:45 MSK: fired and resolved 5 times within the hour (10 changes).
  ...flapping("2030-06-09T12"),
  // H: Mon 12:30 MSK, paged 12:31, neither acked nor resolved yet.
  { at: "2030-06-10T09:30:00Z", fingerprint: "api_down", event: "fired" },
  { at: "2030-06-10T09:31:00Z", fingerprint: "api_down", event: "paged" },
  // After now (a replica's clock ahead): outside the window.
  { at: "2030-06-10T10:05:00Z", fingerprint: "pg_down", event: "fired" },
  { at: "2030-06-10T10:05:00Z", fingerprint: "pg_down", event: "paged" },
];

export async function insertEvents(pool: Pool, events: readonly ScriptedEvent[]): Promise<void> {
  const kind = (e: ScriptedEvent) => KINDS[e.fingerprint]!;
  await pool.query(
    `INSERT INTO opsbot.alert_events (at, fingerprint, kind, severity, event, actor_name)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      events.map((e) => e.at),
      events.map((e) => e.fingerprint),
      events.map((e) => kind(e).kind),
      events.map((e) => kind(e).severity),
      events.map((e) => e.event),
      events.map((e) => e.actor ?? null),
    ],
  );
}

/**
 * The flapping pipeline's marks (src/alerts/flapping.ts): F's alert was marked flapping at its
 * 4th change (15:15 MSK) and again the next morning; pg_down once, before the week.
 */
export async function insertFlapMarks(pool: Pool): Promise<void> {
  await pool.query(
    `INSERT INTO opsbot.flap_marks (at, fingerprint, kind) VALUES
       ('2030-06-09T12:15:00Z', 'job_failed:p:sync', 'job_failed'),
       ('2030-06-10T06:00:00Z', 'job_failed:p:sync', 'job_failed'),
       ('2030-06-07T03:00:00Z', 'stuck_worker:p:7', 'stuck_worker'),
       ('2030-05-20T00:00:00Z', 'pg_down', 'pg_down')`,
  );
}

/** Silences: two in force (7 days, 1 hour), one ended, one not started yet. */
export async function insertSilences(pool: Pool): Promise<void> {
  await pool.query(
    `INSERT INTO opsbot.silences (matcher, starts_at, until, created_by) VALUES
       ('connector_stale:*', '2030-06-09T10:00:00Z', '2030-06-16T10:00:00Z', 'Ann'),
       ('api_down', '2030-06-10T09:45:00Z', '2030-06-10T10:45:00Z', 'Bob'),
       ('pg_down', '2030-06-01T00:00:00Z', '2030-06-09T00:00:00Z', 'Ann'),
       ('redis_down', '2030-06-11T00:00:00Z', '2030-06-20T00:00:00Z', 'Bob')`,
  );
}
