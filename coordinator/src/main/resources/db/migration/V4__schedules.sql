-- Recurring checks. A schedule fires at next_fire_at; the coordinator that claims it (FOR UPDATE SKIP LOCKED)
-- records the firing, submits the check and moves next_fire_at on by the cadence, all in one transaction.
CREATE TABLE schedules (
    id                uuid        PRIMARY KEY,
    owner             text        NOT NULL,
    target            text        NOT NULL,
    ports             text        NOT NULL,   -- canonical port-set text
    port_count        integer     NOT NULL CHECK (port_count > 0),
    regions           text[],                 -- NULL: every region with a live agent at each run
    region_limit      integer     CHECK (region_limit > 0),
    timeout_ms        integer     NOT NULL CHECK (timeout_ms > 0),
    ip_family         text        NOT NULL CHECK (ip_family IN ('ANY', 'IPV4', 'IPV6')),
    every_ms          bigint      CHECK (every_ms > 0),
    cron              text,
    expected_state    text        NOT NULL CHECK (expected_state IN ('OPEN', 'CLOSED', 'FILTERED')),
    paused            boolean     NOT NULL DEFAULT false,
    next_fire_at      timestamptz NOT NULL,
    last_fired_at     timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK ((every_ms IS NULL) <> (cron IS NULL))
);
CREATE INDEX schedules_due_idx ON schedules (next_fire_at) WHERE NOT paused;
CREATE INDEX schedules_owner_idx ON schedules (owner, created_at DESC, id DESC);

-- One row per due time that fired: the key makes a second firing of the same due time impossible, whichever
-- coordinator tries it. check_id is NULL when the run could not be submitted (the reason is in outcome).
CREATE TABLE schedule_firings (
    schedule_id uuid        NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    fire_time   timestamptz NOT NULL,
    fired_at    timestamptz NOT NULL,
    fired_by    text        NOT NULL,     -- the coordinator instance (pid@host) that fired it
    check_id    uuid,
    outcome     text,
    PRIMARY KEY (schedule_id, fire_time)
);

-- A scheduled check knows its schedule, which is what its history is read by.
ALTER TABLE checks ADD COLUMN schedule_id uuid REFERENCES schedules (id) ON DELETE SET NULL;
CREATE INDEX checks_schedule_idx ON checks (schedule_id, created_at) WHERE schedule_id IS NOT NULL;
