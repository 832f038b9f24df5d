// The probe loop end to end: the API's /health stand-in, real PostgreSQL (and Redis), the
// real watcher delivering to the fake Bot API. Probe rounds are run by hand on a fake
// clock, PROBE_SECONDS apart, so page times are exact.
import { afterEach, describe, expect, it } from "vitest";
import type { TestApp } from "../kit/build-test-app.js";
import {
  buildAlertApp,
  finishWorkers,
  insertStuckWorkers,
  messagesTo,
  probeFor,
  tick,
  useApiHealth,
  withDatabaseGone,
} from "../kit/alerts.js";
import { startFakeBotApi } from "../kit/fake-bot-api.js";
import { createFakeClock } from "../kit/fake-clock.js";
import { createTestDatabase } from "../kit/postgres.js";
import { testRedisUrl } from "../kit/redis.js";
import { events, incidents } from "../incidents/helpers.js";

const api = useApiHealth();
const S = 1000;
const PROBE = 10 * S;
const DOWN_AFTER = 30 * S;
const UP_AFTER = 30 * S;
// Outages minutes apart would mark api_down flapping (FLAP_CHANGES): timing is tested here.
const ENV = {
  PROBE_SECONDS: "10",
  DOWN_AFTER_SECONDS: "30",
  UP_AFTER_SECONDS: "30",
  FLAP_CHANGES: "0",
};

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  api.state.healthy = true;
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function build(options: Parameters<typeof buildAlertApp>[1] = {}): Promise<TestApp> {
  const t = await buildAlertApp(api.url, { ...options, env: { ...ENV, ...options.env } });
  cleanup.push(() => t.close());
  return t;
}

const pages = (t: TestApp, kind: string) =>
  messagesTo(t.fake).filter((m) => m.text.includes(kind) && !m.text.includes("Resolved"));
const resolutions = (t: TestApp, kind: string) =>
  messagesTo(t.fake).filter((m) => m.text.includes(kind) && m.text.includes("Resolved"));

/**
 * An API outage of `lengthMs` starting `offsetMs` after a probe, probed every PROBE_SECONDS
 * until well past UP_AFTER_SECONDS after it: when it paged and resolved, counted from
 * the outage's start and end (undefined: never).
 */
async function outage(
  apps: TestApp[],
  clock: ReturnType<typeof createFakeClock>,
  lengthMs: number,
  offsetMs = 3 * S,
) {
  const [t] = apps as [TestApp];
  const pagedBefore = pages(t, "api_down").length;
  const resolvedBefore = resolutions(t, "api_down").length;
  const start = clock.now().getTime() + offsetMs;
  const end = start + lengthMs;
  let pagedAfter: number | undefined;
  let resolvedAfter: number | undefined;
  for (let at = clock.now().getTime(); at < end + UP_AFTER + 3 * PROBE; at += PROBE) {
    clock.set(new Date(at));
    api.state.healthy = at < start || at >= end;
    await probeFor(apps, clock, 1, PROBE);
    if (pagedAfter === undefined && pages(t, "api_down").length > pagedBefore)
      pagedAfter = at - start;
    if (resolvedAfter === undefined && resolutions(t, "api_down").length > resolvedBefore) {
      resolvedAfter = at - end;
    }
  }
  return { pagedAfter, resolvedAfter };
}

describe("the probe loop", () => {
  it("pages an outage at most PROBE_SECONDS after DOWN_AFTER_SECONDS, never a blip, and resolves after UP_AFTER_SECONDS", async () => {
    const clock = createFakeClock();
    const t = await build({ clock });
    await probeFor(t, clock, UP_AFTER + PROBE, PROBE);

    // Shorter than DOWN_AFTER_SECONDS − PROBE_SECONDS, and a little longer: no page.
    for (const length of [5 * S, 15 * S, 19 * S, 25 * S]) {
      expect(await outage([t], clock, length)).toEqual({
        pagedAfter: undefined,
        resolvedAfter: undefined,
      });
    }
    expect(messagesTo(t.fake)).toHaveLength(0);

    // Probes at 10, 20, 30 and 40 s after the probe before it began all fail: paged at 40 s.
    const long = await outage([t], clock, 45 * S);
    expect(long.pagedAfter).toBe(37 * S);
    expect(long.pagedAfter!).toBeLessThanOrEqual(DOWN_AFTER + PROBE);
    // Passing from 50 s on: resolved at 80 s, 32 s after it ended.
    expect(long.resolvedAfter).toBe(32 * S);
    expect(long.resolvedAfter!).toBeGreaterThanOrEqual(UP_AFTER);
    const [page, resolved] = messagesTo(t.fake);
    expect(page!.text).toContain("api_down");
    expect(page!.text).toContain("HTTP 503");
    expect(resolved!.text).toContain("Resolved: 1 alert");
    expect(messagesTo(t.fake)).toHaveLength(2);

    // An outage that starts just after a probe pages no later than PROBE_SECONDS after the window.
    const late = await outage([t], clock, 60 * S, 1);
    expect(late.pagedAfter!).toBeLessThanOrEqual(DOWN_AFTER + PROBE);
    expect(late.resolvedAfter!).toBeLessThanOrEqual(UP_AFTER + PROBE);
  });

  it("keeps api_down firing through a passing probe shorter than UP_AFTER_SECONDS", async () => {
    const clock = createFakeClock();
    const t = await build({ clock });
    api.state.healthy = false;
    await probeFor(t, clock, DOWN_AFTER + PROBE, PROBE);
    expect(pages(t, "api_down")).toHaveLength(1);
    api.state.healthy = true;
    await probeFor(t, clock, 2 * PROBE, PROBE);
    api.state.healthy = false;
    await probeFor(t, clock, DOWN_AFTER + PROBE, PROBE);
    expect(messagesTo(t.fake)).toHaveLength(1);
  });

  it("pages once from two replicas on one database, whichever probes first", async () => {
    const clock = createFakeClock();
    const database = await createTestDatabase({ migrated: true });
    cleanup.push(() => database.drop());
    const fake = await startFakeBotApi();
    cleanup.push(() => fake.close());
    const a = await build({ clock, database, fake });
    const b = await build({ clock, database, fake });
    await probeFor([a, b], clock, UP_AFTER + PROBE, PROBE);

    const both = await outage([a, b], clock, 45 * S);
    expect(both.pagedAfter!).toBeLessThanOrEqual(DOWN_AFTER + PROBE);
    expect(pages(a, "api_down")).toHaveLength(1);
    expect(resolutions(a, "api_down")).toHaveLength(1);
    expect(messagesTo(fake)).toHaveLength(2);
  });

  it("holds api_down while a deploy runs and until its verification ends, then pages at once", async () => {
    const clock = createFakeClock();
    const t = await build({ clock });
    const { rows } = await t.pool.query<{ id: string }>(
      `INSERT INTO opsbot.actions (id, kind, ref, state, requested_by, requested_by_name, chat_id,
                                   created_at, expires_at, started_at)
       VALUES (gen_random_uuid(), 'deploy', 'v2', 'running', 1, 'olga', -100, $1, $1, $1)
       RETURNING id`,
      [clock.now()],
    );
    const id = rows[0]!.id;

    // The deploy restarts the API: down for longer than DOWN_AFTER_SECONDS, and nobody paged.
    api.state.healthy = false;
    await probeFor(t, clock, 2 * DOWN_AFTER, PROBE);
    expect(messagesTo(t.fake)).toHaveLength(0);

    // Finished, but its verification has not ended yet: still held.
    await t.pool.query(
      "UPDATE opsbot.actions SET state = 'succeeded', finished_at = $2 WHERE id = $1",
      [id, clock.now()],
    );
    await probeFor(t, clock, PROBE, PROBE);
    expect(messagesTo(t.fake)).toHaveLength(0);

    // Verification ended with the API still down: the next probe pages.
    await t.pool.query(
      "INSERT INTO opsbot.audit (action_id, at, event) VALUES ($1, $2, 'verified')",
      [id, clock.now()],
    );
    await probeFor(t, clock, PROBE, PROBE);
    expect(pages(t, "api_down")).toHaveLength(1);
  });
});

describe("PostgreSQL down", () => {
  it("pages pg_down after DOWN_AFTER_SECONDS, holds the alerts that need it, and resolves it after UP_AFTER_SECONDS", async (ctx) => {
    const clock = createFakeClock();
    const t = await build({ clock });
    if (t.database.embedded) ctx.skip();
    const [id] = await insertStuckWorkers(t.pool, clock.now());
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(1);

    await withDatabaseGone(t.database.connectionString, async () => {
      await probeFor(t, clock, DOWN_AFTER, PROBE);
      expect(messagesTo(t.fake)).toHaveLength(1); // three failing probes: 20 s of failure
      await tick(t, "pg_down");
      await probeFor(t, clock, 2 * PROBE, PROBE);
    });
    const sent = messagesTo(t.fake);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.text).toContain("pg_down");
    expect(sent[1]!.text).toContain("PostgreSQL unreachable");
    // The run finished while nobody could see it: nothing about it was said.
    await finishWorkers(t.pool, [id!]);

    // Back, but not yet for UP_AFTER_SECONDS: the tick resolves the run, pg_down stays.
    await probeFor(t, clock, UP_AFTER, PROBE);
    await tick(t);
    expect(messagesTo(t.fake)).toHaveLength(3);
    expect(messagesTo(t.fake)[2]!.text).not.toContain("pg_down");
    await probeFor(t, clock, PROBE, PROBE);
    const back = messagesTo(t.fake);
    expect(back).toHaveLength(4);
    expect(back[3]!.text).toContain("Resolved: 1 alert");
    expect(back[3]!.text).toContain("pg_down");
    await probeFor(t, clock, 2 * PROBE, PROBE);
    expect(messagesTo(t.fake)).toHaveLength(4);

    // The database could not hold the outage's record while it lasted; it holds it now: an
    // incident opened when pg_down paged, closed when it resolved.
    const record = (await events(t.pool)).filter((e) => e.fingerprint === "pg_down");
    expect(record.map((e) => e.event)).toEqual(["fired", "paged", "resolved"]);
    const outage = (await incidents(t.pool)).find((i) => i.fingerprints.includes("pg_down"));
    expect(outage?.fingerprints).toEqual(["pg_down"]);
    expect(outage?.opened_at).toEqual(record[1]!.at);
    expect(outage?.closed_at).toEqual(record[2]!.at);
  });

  it("still pages the next PostgreSQL outage after the replica that paged the last one restarted (Redis dedup)", async (ctx) => {
    const redisUrl = await testRedisUrl();
    if (redisUrl === null) ctx.skip();
    const clock = createFakeClock();
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    if (database.embedded) ctx.skip();
    const fake = await startFakeBotApi();
    cleanup.push(() => fake.close());
    const pgDownPages = () =>
      messagesTo(fake).filter((m) => m.text.includes("PostgreSQL unreachable"));

    const first = await buildAlertApp(api.url, { database, fake, redisUrl, clock, env: ENV });
    await withDatabaseGone(database.connectionString, async () => {
      await probeFor(first, clock, DOWN_AFTER + PROBE, PROBE);
      expect(pgDownPages()).toHaveLength(1);
      // The process dies during the outage (an orchestrator restarting an unhealthy pod).
      await first.close();
    });

    const second = await build({ database, fake, redisUrl: redisUrl!, clock });
    await probeFor(second, clock, UP_AFTER + PROBE, PROBE);
    expect(messagesTo(fake).at(-1)!.text).toContain("Resolved: 1 alert");

    // A new outage, hours later: it must page again.
    await withDatabaseGone(database.connectionString, async () => {
      await probeFor(second, clock, DOWN_AFTER + PROBE, PROBE);
    });
    expect(pgDownPages()).toHaveLength(2);
  });
});
