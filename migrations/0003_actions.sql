-- Guarded actions (deploy, rollback) and their audit trail.
CREATE TABLE IF NOT EXISTS opsbot.actions (
  id                 uuid PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('deploy', 'rollback')),
  ref                text NOT NULL,
  state              text NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'failed',
                       'timed_out', 'interrupted', 'cancelled', 'expired')),
  requested_by       bigint NOT NULL,
  requested_by_name  text NOT NULL,
  confirmed_by       bigint,
  confirmed_by_name  text,
  chat_id            bigint NOT NULL,
  thread_id          bigint,
  message_id         bigint,
  created_at         timestamptz NOT NULL,
  expires_at         timestamptz NOT NULL,
  started_at         timestamptz,
  finished_at        timestamptz,
  -- Renewed by the process running it; a lapsed lease means that process is gone.
  lease_expires_at   timestamptz,
  exit_code          integer,
  output_tail        text
);
-- At most one action runs at a time, across every replica: enforced by the database.
CREATE UNIQUE INDEX IF NOT EXISTS actions_one_running ON opsbot.actions ((true)) WHERE state = 'running';
CREATE INDEX IF NOT EXISTS actions_created_at ON opsbot.actions (created_at DESC);

CREATE TABLE IF NOT EXISTS opsbot.audit (
  id          bigserial PRIMARY KEY,
  action_id   uuid NOT NULL REFERENCES opsbot.actions (id),
  at          timestamptz NOT NULL,
  event       text NOT NULL,
  actor_id    bigint,
  actor_name  text,
  detail      jsonb
);
CREATE INDEX IF NOT EXISTS audit_action ON opsbot.audit (action_id, id);

-- @grammyjs/conversations state (the /rollback dialogue), so it survives a restart.
CREATE TABLE IF NOT EXISTS opsbot.conversations (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
