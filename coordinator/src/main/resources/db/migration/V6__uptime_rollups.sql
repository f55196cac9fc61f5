-- Uptime per schedule, rolled up by the hour (UptimeRollup), so that GET /api/v1/schedules/{id}/uptime reads a few
-- rows per hour instead of every probe, and keeps answering after the retention job (ResultRetention) deleted the
-- raw results. The hour of a run is the UTC hour of its check's created_at.

-- A scheduled check is added into the hourly rows once it is COMPLETE (its results never change after that), and
-- exactly once: rolled_up_at is set in the transaction that adds it. Retention never deletes a scheduled check
-- before then.
ALTER TABLE checks ADD COLUMN rolled_up_at timestamptz;
CREATE INDEX checks_rollup_pending_idx ON checks (completed_at)
    WHERE rolled_up_at IS NULL AND schedule_id IS NOT NULL AND status = 'COMPLETE';

-- Per (schedule, region, hour): the runs that asked the region, and those it answered (region status DONE).
CREATE TABLE uptime_region_hourly (
    schedule_id uuid        NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    region      text        NOT NULL,
    hour        timestamptz NOT NULL,
    runs        integer     NOT NULL,
    answered    integer     NOT NULL,
    PRIMARY KEY (schedule_id, region, hour)
);

-- Per (schedule, region, port, hour): the probes by state (one per resolved address), so that availability is
-- counted against whichever state the schedule expects when uptime is read; and the connect times of the probes
-- answered OPEN or CLOSED, as their least, their greatest and a histogram, from which percentiles are estimated.
--
-- rtt_histogram: 100 counts of rtt_micros in fixed log-linear buckets (UptimeRollup.Histogram computes the same
-- bounds). Lower bounds in microseconds: 0, 1, 2, 3, then four per power of two, 4·2^k, 5·2^k, 6·2^k and 7·2^k for
-- k = 0..23 (4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, ...); each bucket runs up to the next lower bound,
-- so none is wider than a quarter of its lower bound; the last one starts at 7·2^23 us (58.7 s) and has no upper
-- bound. Array element i (1-based) is the bucket PostgreSQL's width_bucket(rtt, lower_bounds) numbers i.
-- Changing the scheme needs a migration that rewrites every row.
CREATE TABLE uptime_hourly (
    schedule_id     uuid        NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    region          text        NOT NULL,
    port            integer     NOT NULL,
    hour            timestamptz NOT NULL,
    open_probes     integer     NOT NULL,
    closed_probes   integer     NOT NULL,
    filtered_probes integer     NOT NULL,
    error_probes    integer     NOT NULL,
    rtt_min_micros  bigint,                -- NULL while no probe was answered OPEN or CLOSED
    rtt_max_micros  bigint,
    rtt_histogram   integer[]   NOT NULL CHECK (cardinality(rtt_histogram) = 100),
    PRIMARY KEY (schedule_id, region, port, hour)
);

-- Element-wise sum of two histograms: the rollup adds a batch into an hour with it; histogram_sum adds up the hours
-- of a window.
CREATE FUNCTION histogram_add(a integer[], b integer[]) RETURNS integer[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)
$$;
CREATE AGGREGATE histogram_sum(integer[]) (SFUNC = histogram_add, STYPE = integer[], PARALLEL = SAFE);

-- The retention job deletes the outbox rows of the checks it deletes, found by their check.
CREATE INDEX outbox_events_aggregate_idx ON outbox_events (aggregate_id);
