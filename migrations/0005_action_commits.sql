-- What a deploy or rollback script reported through its protocol lines: the commit it put
-- in place (`opsbot: commit <sha>`) and what ran before it (`opsbot: previous <ref>`).
-- /history shows the commit; /rollback offers these, so there is a target from day one.
ALTER TABLE opsbot.actions
  ADD COLUMN IF NOT EXISTS commit_sha text,
  ADD COLUMN IF NOT EXISTS previous_ref text;
