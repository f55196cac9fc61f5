-- A check: one target, a set of ports, probed once from each requested region.
CREATE TABLE checks (
    id           uuid        PRIMARY KEY,
    target       text        NOT NULL,
    ports        text        NOT NULL,   -- canonical port-set text, e.g. '22,443,8000-8010'
    port_count   integer     NOT NULL CHECK (port_count > 0),
    timeout_ms   integer     NOT NULL CHECK (timeout_ms > 0),
    ip_family    text        NOT NULL CHECK (ip_family IN ('ANY', 'IPV4', 'IPV6')),
    status       text        NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETE')),
    created_at   timestamptz NOT NULL,
    deadline     timestamptz NOT NULL,
    completed_at timestamptz
);
CREATE INDEX checks_recent_idx ON checks (created_at DESC, id DESC);
-- The deadline sweeper only ever looks at checks that are not complete yet.
CREATE INDEX checks_open_by_deadline_idx ON checks (deadline) WHERE status <> 'COMPLETE';

-- Where one (check, region) stands. PENDING until a verdict or the deadline; terminal after that.
CREATE TABLE region_results (
    check_id           uuid        NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
    region             text        NOT NULL,
    status             text        NOT NULL CHECK (status IN
                           ('PENDING', 'DONE', 'BLOCKED', 'UNRESOLVED', 'EXPIRED', 'UNAVAILABLE', 'FAILED')),
    agent_id           text,
    message            text,
    resolved_addresses text[]      NOT NULL DEFAULT '{}',
    resolve_micros     bigint,
    verdict_id         uuid        UNIQUE,
    started_at         timestamptz,
    finished_at        timestamptz,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (check_id, region)
);

-- One row per (check, region, resolved address, port); the key makes a redelivered verdict a no-op.
CREATE TABLE port_results (
    check_id   uuid    NOT NULL,
    region     text    NOT NULL,
    address    text    NOT NULL,
    port       integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    state      text    NOT NULL CHECK (state IN ('OPEN', 'CLOSED', 'FILTERED', 'ERROR')),
    reason     text    NOT NULL,
    rtt_micros bigint  NOT NULL,
    message    text,
    PRIMARY KEY (check_id, region, address, port),
    FOREIGN KEY (check_id, region) REFERENCES region_results (check_id, region) ON DELETE CASCADE
);

-- Transactional outbox: written in the same transaction as the check, published by the relay.
-- Each row retries on its own schedule (next_attempt_at), so one failing topic never holds back the others;
-- a row past expires_at (its job's deadline) is no longer worth publishing.
CREATE TABLE outbox_events (
    id              bigserial   PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    aggregate_id    uuid        NOT NULL,
    topic           text        NOT NULL,
    message_key     text        NOT NULL,
    payload         text        NOT NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz,
    next_attempt_at timestamptz NOT NULL,
    sent_at         timestamptz,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text
);
CREATE INDEX outbox_due_idx ON outbox_events (next_attempt_at) WHERE sent_at IS NULL;
