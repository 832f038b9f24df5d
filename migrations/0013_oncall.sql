-- On call: overrides of the rota (/oncall take), handover announcements, escalation steps.

-- /oncall take: the sender is on call from starts_at until `until`, whatever the rota says.
CREATE TABLE IF NOT EXISTS opsbot.oncall_overrides (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL,
  user_name   text NOT NULL,
  starts_at   timestamptz NOT NULL,
  until       timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS oncall_overrides_until ON opsbot.oncall_overrides (until);

-- One row per rota shift announced in the alert group: N replicas, one message.
CREATE TABLE IF NOT EXISTS opsbot.oncall_handovers (
  shift_start   timestamptz PRIMARY KEY,
  user_id       bigint NOT NULL,
  announced_at  timestamptz NOT NULL
);

-- The escalation chain of a page (the first delivered message of critical alerts): one
-- row per ESCALATION step, due DELAY after that page, claimed atomically by one replica.
CREATE TABLE IF NOT EXISTS opsbot.escalation_steps (
  id             bigserial PRIMARY KEY,
  -- The page: its outbox row (no foreign key: the outbox is truncated and pruned on its own).
  outbox_id      bigint NOT NULL,
  step           integer NOT NULL,
  target         text NOT NULL CHECK (target IN ('oncall', 'next', 'group')),
  due_at         timestamptz NOT NULL,
  -- A replica is sending it until then; a replica that died mid-send frees it so.
  claimed_until  timestamptz,
  sent_at        timestamptz,
  -- The chain ended before this step: acked, resolved or silenced.
  cancelled_at   timestamptz,
  -- Whom it paged (oncall, next), and the message sent (its Ack button is checked on it).
  recipient      bigint,
  chat_id        bigint,
  message_id     bigint,
  -- Telegram refused it (e.g. 403: the person never started the bot).
  error          text,
  UNIQUE (outbox_id, step)
);
CREATE INDEX IF NOT EXISTS escalation_steps_due ON opsbot.escalation_steps (due_at)
  WHERE sent_at IS NULL AND cancelled_at IS NULL;

-- Pages of the last hours, read every second for chains to start.
CREATE INDEX IF NOT EXISTS outbox_sent_firing ON opsbot.outbox (sent_at) WHERE kind = 'firing';
