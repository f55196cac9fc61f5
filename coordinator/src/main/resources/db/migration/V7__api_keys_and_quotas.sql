-- API keys. Only a SHA-256 of the key is kept (keys are 256 random bits, so a fast hash is enough and a lookup
-- is one index probe); the key itself is shown once, when it is created. A revoked key stays, for the record.
CREATE TABLE api_keys (
    id                  uuid        PRIMARY KEY,
    key_hash            text        NOT NULL UNIQUE,
    key_prefix          text        NOT NULL,   -- the first characters of the key, to tell keys apart in lists
    name                text        NOT NULL,
    owner               text        NOT NULL,
    scopes              text[]      NOT NULL,
    cost_per_hour       integer     CHECK (cost_per_hour > 0),        -- NULL: the configured default
    requests_per_second integer     CHECK (requests_per_second > 0),  -- NULL: the configured default
    created_at          timestamptz NOT NULL,
    revoked_at          timestamptz
);
CREATE INDEX api_keys_owner_idx ON api_keys (owner, created_at);

-- Token buckets, shared by every coordinator replica: one row per subject (a key, or an anonymous client
-- address) and kind (request rate, check cost). Taking tokens locks the row for the length of one statement.
CREATE TABLE quota_buckets (
    subject     text             NOT NULL,
    kind        text             NOT NULL CHECK (kind IN ('requests', 'cost')),
    tokens      double precision NOT NULL,
    refilled_at timestamptz      NOT NULL,
    PRIMARY KEY (subject, kind)
);

-- A check belongs to whoever submitted it (or whose schedule fired it); another owner gets 404.
ALTER TABLE checks ADD COLUMN owner text NOT NULL DEFAULT 'anonymous';
CREATE INDEX checks_owner_recent_idx ON checks (owner, created_at DESC, id DESC);
DROP INDEX checks_divergent_recent_idx;
CREATE INDEX checks_owner_divergent_idx ON checks (owner, created_at DESC, id DESC) WHERE divergent_ports > 0;
