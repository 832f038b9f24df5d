// npm run bench:report: /report 30d over BENCH_REPORT_CHANGES alert state changes (default
// 100,000: fired and resolved events over 30 days in opsbot.alert_events), with the pages
// and acks of the critical ones, in a throwaway database with opsbot's migrations (and so
// only opsbot's indexes), rolled up into opsbot.alert_episodes as the watcher's ticks would.
// Each figure is the median of repeated in-process calls: the report's data (buildReport,
// with its catch-up of the rollup: what the 50 ms target is about), its text in both
// languages and its chart. Prints EXPLAIN ANALYZE of the report's statement as evidence.
import { loadavg } from "node:os";
import { renderReport, reportChart } from "../src/bot/render/report.js";
import { createPagesChartRenderer } from "../src/charts/pages-per-day.js";
import { migrate } from "../src/db/migrate.js";
import { createPool } from "../src/db/pool.js";
import { createTranslator } from "../src/i18n/catalogue.js";
import { countIncidentsOpened } from "../src/incidents/incident-read.js";
import { buildReport } from "../src/reports/build-report.js";
import { refreshEpisodes } from "../src/reports/episodes.js";
import { EVENT_FIGURES_SQL, readEventFigures } from "../src/reports/report-store.js";
import { windowEndingAt } from "../src/reports/report-window.js";
import { createTestDatabase } from "../test/kit/postgres.js";
import { timedMedian } from "./lib.js";

const CHANGES = Number(process.env.BENCH_REPORT_CHANGES ?? 100_000);
const REPEAT = 30;
const TARGET_MS = 50;
const DAYS = 30;
const FINGERPRINTS = 2_000;
// One episode in 10 is critical: paged, and acked in 9 of 10 of those.
const CRITICAL_EVERY = 10;

const loadAtStart = loadavg()[0]!;
const database = await createTestDatabase();
const pool = createPool({
  connectionString: database.connectionString,
  max: 4,
  statementTimeoutMs: 600_000,
});
const now = new Date();
const tz = "Europe/Moscow";

const timed = (what: string, fn: () => unknown) => timedMedian(what, REPEAT, fn);

try {
  await migrate(pool);
  const episodes = Math.floor(CHANGES / 2);
  const seeded = performance.now();
  // Episodes spread evenly over the window, each lasting 1-60 minutes; the same fingerprint
  // comes back every FINGERPRINTS episodes (some flap: their episodes fall close together).
  await pool.query(
    `WITH e AS (
       SELECT i, 'kind_' || (i % 40) AS kind, 'kind_' || (i % 40) || ':' || (i % $2) AS fp,
              $3::timestamptz - make_interval(secs => ($4::float8 * 86400) * i / $1) AS fired_at,
              make_interval(mins => 1 + (i * 7919) % 60) AS lasted,
              i % $5 = 0 AS critical
         FROM generate_series(1, $1) AS i)
     INSERT INTO opsbot.alert_events (at, fingerprint, kind, severity, event, actor_name)
     SELECT at, fp, kind, CASE WHEN critical THEN 'critical' ELSE 'warning' END, event, actor
       FROM e, LATERAL (VALUES
         (fired_at, 'fired', NULL),
         (fired_at + lasted, 'resolved', NULL),
         (CASE WHEN critical THEN fired_at + interval '30 seconds' END, 'paged', NULL),
         (CASE WHEN critical AND i % ($5 * 10) <> 0 THEN fired_at + interval '3 minutes' END, 'acked', 'Ann')
       ) AS v(at, event, actor)
      WHERE at IS NOT NULL
      ORDER BY at`,
    [episodes, FINGERPRINTS, now, DAYS - 0.01, CRITICAL_EVERY],
  );
  await pool.query(
    `INSERT INTO opsbot.silences (matcher, starts_at, until, created_by)
     SELECT 'kind_' || i || ':*', $1::timestamptz - interval '1 hour',
            $1::timestamptz + make_interval(hours => i), 'Ann'
       FROM generate_series(1, 50) AS i`,
    [now],
  );
  await pool.query("ANALYZE opsbot.alert_events");
  const { rows } = await pool.query<{ event: string; n: number }>(
    "SELECT event, count(*)::int AS n FROM opsbot.alert_events GROUP BY event ORDER BY event",
  );
  console.log(
    `opsbot.alert_events: ${rows.map((r) => `${r.n} ${r.event}`).join(", ")} ` +
      `(seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s); load ${loadAtStart.toFixed(2)}`,
  );

  const deps = {
    pool,
    tz,
    countIncidents: (window: { from: Date; to: Date }) => countIncidentsOpened(pool, window),
  };
  // The watcher's ticks keep the rollup current; here it is built at once, as after an upgrade.
  const rolled = performance.now();
  await refreshEpisodes(pool, now);
  console.log(
    `  rolled up into opsbot.alert_episodes in ${((performance.now() - rolled) / 1000).toFixed(1)} s (once)`,
  );
  await pool.query("ANALYZE opsbot.alert_episodes");
  const report = await buildReport(deps, "30d", now);
  console.log(
    `  pages ${report.pages}, MTTA p50 ${report.mtta.p50} ms, MTTR p50 ${report.mttr.p50} ms, flapping ${report.flapping.length}`,
  );
  const figures = {
    data30: await timed("/report 30d data (buildReport)", () => buildReport(deps, "30d", now)),
    data7: await timed("/report 7d data (buildReport)", () => buildReport(deps, "7d", now)),
    catchUp: await timed("  of which the roll-up's catch-up (nothing new)", () =>
      refreshEpisodes(pool, now),
    ),
    statement: await timed("  of which the 30d statement", () =>
      readEventFigures(pool, { window: windowEndingAt("30d", now), tz, top: 5 }),
    ),
    // The machine is shared: a fixed query's time says how busy it was (about 80 ms idle).
    reference: await timed("reference: count(*) over generate_series(1, 1e6)", () =>
      pool.query("SELECT count(*) FROM generate_series(1, 1000000)"),
    ),
    text: await timed("its text, en and ru", () => {
      for (const locale of ["en", "ru"] as const) renderReport(report, createTranslator(locale));
    }),
  };
  const charts = createPagesChartRenderer();
  const en = createTranslator("en");
  const chartMs = await timed("its chart (PNG)", () => charts.render(reportChart(report, en)));

  const window = windowEndingAt("30d", now);
  const plan = await pool.query<{ "QUERY PLAN": string }>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${EVENT_FIGURES_SQL}`,
    [window.from, window.to, tz, 5],
  );
  console.log("\nEXPLAIN ANALYZE of the report's statement (30d):");
  for (const row of plan.rows) console.log(`  ${row["QUERY PLAN"]}`);
  console.log(
    `\n/report 30d data: ${figures.data30.toFixed(1)} ms (target ${TARGET_MS} ms): ${figures.data30 <= TARGET_MS ? "within" : "OVER"}; 7d ${figures.data7.toFixed(1)} ms; text ${figures.text.toFixed(1)} ms; chart ${chartMs.toFixed(1)} ms; reference ${figures.reference.toFixed(0)} ms; load ${loadAtStart.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
  );
} finally {
  await pool.end();
  await database.drop();
}
