-- opsbot's own tables live in schema opsbot; the app's tables are only read.
-- The schema itself is created by the migrator when missing (see src/db/migrate.ts).

-- Webhook redelivery dedup when Redis is not configured (a set with a TTL). UNLOGGED:
-- one write per update must not wait for a WAL flush; after a database crash the set is
-- empty, and the worst case is one redelivered update handled twice.
CREATE UNLOGGED TABLE IF NOT EXISTS opsbot.seen_updates (
  update_id bigint PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_updates_expires_at ON opsbot.seen_updates (expires_at);
