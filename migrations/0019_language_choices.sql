-- A person's language (/language, src/i18n/languages.ts): their own choice, or null for
-- their Telegram language_code, which is kept too so that private messages sent with no
-- update at hand (escalation pages) follow it. Read by primary key once per update.
CREATE TABLE IF NOT EXISTS opsbot.language_choices (
  user_id        bigint PRIMARY KEY,
  locale         text CHECK (locale IN ('en', 'ru')),
  language_code  text,
  updated_at     timestamptz NOT NULL
);
