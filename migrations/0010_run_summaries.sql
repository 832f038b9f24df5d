-- /runs summed a week of hourly history on every call: at 3,000 job/project groups that is
-- hundreds of thousands of rows (5 s at LabPics scale). The watcher keeps, per job and
-- project, the sums over the 24 h and 7 d windows ending at summary_hour, adding the hours
-- it counts and those entering the windows and taking out those it recounts or that leave
-- them, so /runs reads one row per group. See src/checks/run-summaries.ts.
-- '-infinity' until the first refresh after this migration, which sums the kept history.
ALTER TABLE opsbot.run_history_scan
  ADD COLUMN IF NOT EXISTS summary_hour timestamptz NOT NULL DEFAULT '-infinity';

-- project_id is NULL in the reference shape; p50/p95 in seconds, from the buckets below.
CREATE TABLE IF NOT EXISTS opsbot.run_summaries (
  job_type     text NOT NULL,
  project_id   uuid,
  runs_day     int NOT NULL,
  ok_day       int NOT NULL,
  failed_day   int NOT NULL,
  p50_day      float8,
  p95_day      float8,
  runs_week    int NOT NULL,
  ok_week      int NOT NULL,
  failed_week  int NOT NULL,
  p50_week     float8,
  p95_week     float8,
  UNIQUE NULLS NOT DISTINCT (job_type, project_id)
);

-- The windows' duration histograms (buckets as in opsbot.run_durations).
CREATE TABLE IF NOT EXISTS opsbot.run_summary_durations (
  job_type    text NOT NULL,
  project_id  uuid,
  bucket      smallint NOT NULL,
  day         int NOT NULL,
  week        int NOT NULL,
  UNIQUE NULLS NOT DISTINCT (job_type, project_id, bucket)
);
