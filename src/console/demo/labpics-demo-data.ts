// The demo's LabPics state, in minutes before "now" so it is always current.

type RunStatus = "running" | "ok" | "failed";

export interface DemoJob {
  jobType: string;
  status: "active" | "paused";
  everyMinutes: number;
  lastRunMinutesAgo: number;
  runSeconds: number;
  /** The last run is still going. */
  running?: boolean;
  /** Failed runs by age: 0 is the last run, 1 the one before, ... */
  failures?: Readonly<Record<number, string>>;
}

export interface DemoRun {
  name: string;
  status: RunStatus;
  startedMinutesAgo: number;
  finishedMinutesAgo: number | null;
  error: string | null;
}

const NOTION_401 = "notion: 401 Unauthorized (API token is invalid)";

export const DEMO_JOBS: readonly DemoJob[] = [
  // Stuck: started 47 min ago and still running.
  {
    jobType: "embeddings_refresh",
    status: "active",
    everyMinutes: 60,
    lastRunMinutesAgo: 47,
    runSeconds: 240,
    running: true,
    failures: { 9: "OpenAI embeddings: 429 Too Many Requests (rate limit reached)" },
  },
  {
    jobType: "connector_sync",
    status: "active",
    everyMinutes: 120,
    lastRunMinutesAgo: 38,
    runSeconds: 95,
    failures: { 0: NOTION_401, 1: NOTION_401 },
  },
  {
    jobType: "digest_email",
    status: "active",
    everyMinutes: 1440,
    lastRunMinutesAgo: 310,
    runSeconds: 42,
  },
  {
    jobType: "cleanup_sessions",
    status: "active",
    everyMinutes: 120,
    lastRunMinutesAgo: 55,
    runSeconds: 6,
  },
  // Overdue: next_run_at (last run + 180 min) was 25 minutes ago.
  {
    jobType: "analytics_rollup",
    status: "active",
    everyMinutes: 180,
    lastRunMinutesAgo: 205,
    runSeconds: 310,
    failures: { 4: "canceling statement due to statement timeout" },
  },
  {
    jobType: "search_reindex",
    status: "active",
    everyMinutes: 360,
    lastRunMinutesAgo: 3,
    runSeconds: 900,
    running: true,
  },
  {
    jobType: "invoice_export",
    status: "active",
    everyMinutes: 720,
    lastRunMinutesAgo: 200,
    runSeconds: 18,
  },
  // Paused with a next_run_at long past: must not count as overdue.
  {
    jobType: "thumbnail_backfill",
    status: "paused",
    everyMinutes: 60,
    lastRunMinutesAgo: 4320,
    runSeconds: 1200,
  },
];

export function demoLastStatus(job: DemoJob): RunStatus {
  if (job.running === true) return "running";
  return job.failures?.[0] === undefined ? "ok" : "failed";
}

/** Each job's runs over the last day on its schedule (always at least its last run), oldest first. */
export function demoWorkerRuns(): DemoRun[] {
  const runs: DemoRun[] = [];
  for (const job of DEMO_JOBS) {
    for (let k = 0; k === 0 || job.lastRunMinutesAgo + k * job.everyMinutes < 1440; k++) {
      const started = job.lastRunMinutesAgo + k * job.everyMinutes;
      const open = k === 0 && job.running === true;
      const error = job.failures?.[k] ?? null;
      runs.push({
        name: job.jobType,
        status: open ? "running" : error === null ? "ok" : "failed",
        startedMinutesAgo: started,
        // A little jitter so durations do not look machine-made.
        finishedMinutesAgo: open ? null : started - (job.runSeconds + ((k * 13) % 30)) / 60,
        error,
      });
    }
  }
  return runs.sort((a, b) => b.startedMinutesAgo - a.startedMinutesAgo);
}

function run(
  name: string,
  startedMinutesAgo: number,
  runMinutes: number | null,
  error: string | null = null,
): DemoRun {
  return {
    name,
    status: runMinutes === null ? "running" : error === null ? "ok" : "failed",
    startedMinutesAgo,
    finishedMinutesAgo: runMinutes === null ? null : startedMinutesAgo - runMinutes,
    error,
  };
}

export const DEMO_PROCESS_RUNS: readonly DemoRun[] = [
  run("kag_recompute", 1380, 35),
  run("signals_extraction", 750, 1, "LLM provider timeout after 60000 ms"),
  run("weekly_report", 600, 12),
  run("signals_extraction", 390, 5),
  run("vacuum_analyze", 240, 9),
  // Stuck: started two hours ago and still running.
  run("kag_recompute", 120, null),
  run("signals_extraction", 30, 4),
  run("media_transcode", 15, 2),
];

export const DEMO_CONNECTORS = [
  { connector: "google_drive", lastStatus: "ok", syncedMinutesAgo: 9, lastError: null },
  {
    connector: "notion",
    lastStatus: "failed",
    syncedMinutesAgo: 38,
    lastError: "401 Unauthorized: API token is invalid",
  },
  // Stale: nothing synced for 6 hours (the threshold is 120 minutes).
  { connector: "slack", lastStatus: "ok", syncedMinutesAgo: 360, lastError: null },
  { connector: "github", lastStatus: "ok", syncedMinutesAgo: 4, lastError: null },
] as const;
