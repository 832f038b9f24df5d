-- An Alertmanager alert stored with a startsAt far ahead of its arrival (before opsbot
-- refused such times) froze its fingerprint: every later notification, with a sane
-- startsAt, counted as older and changed nothing. Such a row gives up its claim to the
-- future, so the next notification of the alert wins.
UPDATE opsbot.am_alerts SET starts_at = '-infinity'
 WHERE starts_at > received_at + interval '1 hour';
