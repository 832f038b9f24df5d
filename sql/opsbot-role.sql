-- opsbot's own login role on the LabPics database, with the least it needs: SELECT on the
-- LabPics tables it reads, its own schema `opsbot` (which it owns, so its migrations run),
-- and pg_read_all_stats, to see other sessions. It cannot write a LabPics table, create
-- objects elsewhere or read other tables. Like every role it can still connect to the
-- server's other databases (PUBLIC has CONNECT by default) and execute functions granted
-- to PUBLIC: docs/security.md says what that means and how to close it. Safe to run again
-- (e.g. after LabPics adds process_runs).
--
-- Run as a superuser (LabPics's POSTGRES_USER is one: the postgres image makes it so) or a
-- role with ADMIN on pg_read_all_stats, then give the role a password and use it in
-- opsbot's DATABASE_URL:
--   psql "$OWNER_URL" -v ON_ERROR_STOP=1 -f sql/opsbot-role.sql
--   psql "$OWNER_URL" -c '\password opsbot_bot'

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'opsbot_bot') THEN
    CREATE ROLE opsbot_bot LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
      CONNECTION LIMIT 30;
  END IF;
END
$$;

-- Its tables live here; the role owns the schema, so it can migrate it and nothing more.
CREATE SCHEMA IF NOT EXISTS opsbot AUTHORIZATION opsbot_bot;
ALTER SCHEMA opsbot OWNER TO opsbot_bot;

-- Read access to what it watches. process_runs exists only in some installations.
GRANT USAGE ON SCHEMA public TO opsbot_bot;
DO $$
DECLARE
  watched text;
BEGIN
  FOREACH watched IN ARRAY ARRAY['scheduled_jobs', 'worker_runs', 'connector_sync_state',
      'connector_events', 'projects', 'process_runs'] LOOP
    IF to_regclass(format('public.%I', watched)) IS NOT NULL THEN
      EXECUTE format('GRANT SELECT ON public.%I TO opsbot_bot', watched);
    END IF;
  END LOOP;
END
$$;

-- No objects of its own outside its schema (PostgreSQL 15 already denies this by default).
REVOKE CREATE ON SCHEMA public FROM opsbot_bot;

-- pg_stat_activity shows another role's state, query and backend type only to a member of
-- pg_read_all_stats: without it /pg lists none of LabPics's sessions, and pg_long_query and
-- pg_blocked never fire. It reads statistics and query text (opsbot shows the text with
-- its literals and passwords hidden), never table data.
GRANT pg_read_all_stats TO opsbot_bot;
