-- Alert state, silences, the durable outbox and watcher coordination.

-- One row per alert fingerprint: its current (or last) episode.
CREATE TABLE IF NOT EXISTS opsbot.alerts (
  fingerprint   text PRIMARY KEY,
  kind          text NOT NULL,
  source        text NOT NULL,
  summary       text NOT NULL,
  firing_since  timestamptz NOT NULL,
  resolved_at   timestamptz,
  -- Last delivered firing/repeat notification of this episode; NULL: never announced.
  notified_at   timestamptz,
  -- A firing/repeat notification waits in the outbox.
  queued_at     timestamptz
);
CREATE INDEX IF NOT EXISTS alerts_open ON opsbot.alerts (fingerprint) WHERE resolved_at IS NULL;

-- Alertmanager-style silences: an exact fingerprint, or a prefix ending in '*'.
CREATE TABLE IF NOT EXISTS opsbot.silences (
  matcher     text PRIMARY KEY,
  until       timestamptz NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Consecutive failing ticks per component (DOWN_AFTER_CHECKS).
CREATE TABLE IF NOT EXISTS opsbot.component_failures (
  component    text PRIMARY KEY,
  consecutive  integer NOT NULL
);

-- What is to be sent, written before sending; marked sent only after Telegram said ok.
CREATE TABLE IF NOT EXISTS opsbot.outbox (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('firing', 'repeat', 'resolved')),
  alerts           jsonb NOT NULL,
  chat_id          bigint,
  thread_id        bigint,
  created_at       timestamptz NOT NULL,
  next_attempt_at  timestamptz NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  sent_at          timestamptz,
  cancelled_at     timestamptz,
  message_id       bigint
);
CREATE INDEX IF NOT EXISTS outbox_pending ON opsbot.outbox (next_attempt_at)
  WHERE sent_at IS NULL AND cancelled_at IS NULL;

-- A group that became a supergroup: followed from then on.
CREATE TABLE IF NOT EXISTS opsbot.chat_migrations (
  from_chat_id  bigint PRIMARY KEY,
  to_chat_id    bigint NOT NULL,
  migrated_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per scheduled tick: N replicas, one tick.
CREATE TABLE IF NOT EXISTS opsbot.watcher_ticks (
  tick_key     text PRIMARY KEY,
  owner        text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);

-- Mutual exclusion of ticks across replicas: a lease with an expiry in database time.
CREATE TABLE IF NOT EXISTS opsbot.watcher_lease (
  id          integer PRIMARY KEY CHECK (id = 1),
  holder      text,
  expires_at  timestamptz NOT NULL,
  -- Bumped whenever a tick changed opsbot.alerts: a replica's cached copy is current
  -- while the generation it read it at still stands.
  generation  bigint NOT NULL DEFAULT 0
);
INSERT INTO opsbot.watcher_lease (id, holder, expires_at) VALUES (1, NULL, '-infinity')
  ON CONFLICT (id) DO NOTHING;

CREATE INDEX IF NOT EXISTS watcher_ticks_started_at ON opsbot.watcher_ticks (started_at);
