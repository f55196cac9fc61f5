-- The agent registry: each agent's latest heartbeat. last_seen is the coordinator's clock at receipt, so an
-- agent with a wrong clock is still judged online or offline correctly.
CREATE TABLE agents (
    agent_id         text        PRIMARY KEY,
    region           text        NOT NULL,
    version          text,
    probe_capacity   integer     NOT NULL,
    started_at       timestamptz NOT NULL,
    sent_at          timestamptz NOT NULL,
    last_seen        timestamptz NOT NULL,
    egress_addresses text[]      NOT NULL DEFAULT '{}'
);
CREATE INDEX agents_region_idx ON agents (region, last_seen DESC);
