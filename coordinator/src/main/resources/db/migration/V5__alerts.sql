-- Alerting on schedules: when a port goes down or comes back from a region (confirmed by `consecutive` runs),
-- when at least `quorum` regions see it down, and when regions start or stop disagreeing about it.
ALTER TABLE schedules ADD COLUMN alert_webhook     text;
ALTER TABLE schedules ADD COLUMN alert_quorum      integer NOT NULL DEFAULT 1 CHECK (alert_quorum > 0);
ALTER TABLE schedules ADD COLUMN alert_consecutive integer NOT NULL DEFAULT 2 CHECK (alert_consecutive > 0);
-- Signs the webhook's body (HMAC-SHA256); shown to the owner once, when the schedule is created.
ALTER TABLE schedules ADD COLUMN webhook_secret    text;

-- A scheduled check is evaluated once it is COMPLETE, strictly in the order its schedule ran them.
ALTER TABLE checks ADD COLUMN evaluated_at timestamptz;
CREATE INDEX checks_unevaluated_idx ON checks (schedule_id, created_at)
    WHERE schedule_id IS NOT NULL AND evaluated_at IS NULL;

-- One debounced state per watched subject of a schedule: 'port:<port>@<region>' (up/down),
-- 'quorum:<port>' (firing/ok), 'divergence:<port>' (divergent/consistent).
CREATE TABLE watch_states (
    schedule_id uuid        NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    subject     text        NOT NULL,
    confirmed   text        NOT NULL,
    candidate   text,
    streak      integer     NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (schedule_id, subject)
);

-- What changed, in the order it was confirmed.
CREATE TABLE schedule_events (
    id          bigserial   PRIMARY KEY,
    event_id    uuid        NOT NULL UNIQUE,
    schedule_id uuid        NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    kind        text        NOT NULL,
    port        integer,
    region      text,
    check_id    uuid,
    summary     text        NOT NULL,
    payload     text        NOT NULL,   -- the webhook body, exactly as signed and sent
    created_at  timestamptz NOT NULL
);
CREATE INDEX schedule_events_idx ON schedule_events (schedule_id, id DESC);

-- Webhook deliveries: an outbox of their own, retried with backoff, never in the way of probing.
CREATE TABLE webhook_deliveries (
    id              bigserial   PRIMARY KEY,
    event_id        bigint      NOT NULL UNIQUE REFERENCES schedule_events (id) ON DELETE CASCADE,
    url             text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';

-- The delivery log: every attempt, with what the receiver answered.
CREATE TABLE webhook_attempts (
    delivery_id  bigint      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt      integer     NOT NULL,
    attempted_at timestamptz NOT NULL,
    http_status  integer,
    error        text,
    duration_ms  bigint      NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
