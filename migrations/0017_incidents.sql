-- Incidents: every critical page opens one, or joins the one opened in the last 10 minutes
-- that is still open; it closes when all its alerts have resolved. Its number is its id.
CREATE TABLE IF NOT EXISTS opsbot.incidents (
  id         bigserial PRIMARY KEY,
  opened_at  timestamptz NOT NULL,
  closed_at  timestamptz
);
-- The open one a page may join; /report counts incidents opened in a window.
CREATE INDEX IF NOT EXISTS incidents_open ON opsbot.incidents (opened_at) WHERE closed_at IS NULL;
CREATE INDEX IF NOT EXISTS incidents_opened_at ON opsbot.incidents (opened_at);

-- The alert episodes (fingerprint, firing_since) an incident's pages carried: its critical
-- alerts, each in one incident only. Its timeline is their alert_events within the episode.
CREATE TABLE IF NOT EXISTS opsbot.incident_alerts (
  incident_id   bigint NOT NULL REFERENCES opsbot.incidents (id) ON DELETE CASCADE,
  fingerprint   text NOT NULL,
  firing_since  timestamptz NOT NULL,
  kind          text NOT NULL,
  severity      text NOT NULL,
  summary       text NOT NULL,
  paged_at      timestamptz NOT NULL,
  resolved_at   timestamptz,
  PRIMARY KEY (fingerprint, firing_since)
);
CREATE INDEX IF NOT EXISTS incident_alerts_incident ON opsbot.incident_alerts (incident_id);
