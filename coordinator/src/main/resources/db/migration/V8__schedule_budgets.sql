-- A schedule is charged like checks are. Its runs take their cost (ports x regions) from the check-cost bucket of
-- the key that created or last changed it ('key:<id>', or 'address:<ip>' for an anonymous caller), at that key's
-- hourly budget as it is when the run fires; and its hourly cost at its densest (ports x regions x runs an hour) must
-- fit that budget, together with the key's other active schedules.
ALTER TABLE schedules ADD COLUMN quota_subject     text;
ALTER TABLE schedules ADD COLUMN cost_per_hour     bigint NOT NULL DEFAULT 0 CHECK (cost_per_hour >= 0);
-- Set while runs are skipped because the key cannot pay for them (its budget spent, or the key revoked); an event
-- marks when that starts and when runs resume.
ALTER TABLE schedules ADD COLUMN over_budget_since timestamptz;

-- Schedules from before: no key is known, so their owner's runs share one bucket, with the default budget.
UPDATE schedules SET quota_subject = 'owner:' || owner WHERE quota_subject IS NULL;
ALTER TABLE schedules ALTER COLUMN quota_subject SET NOT NULL;

-- What a key's active schedules commit is summed at each creation or change: from the index alone.
CREATE INDEX schedules_quota_subject_idx ON schedules (quota_subject) INCLUDE (cost_per_hour) WHERE NOT paused;
