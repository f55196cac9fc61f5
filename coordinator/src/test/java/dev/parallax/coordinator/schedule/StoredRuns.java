package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.PortState;
import dev.parallax.coordinator.testinfra.Sql;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Schedules and checks written straight into the database, at any age and in any state, for tests of what the
 * rollup and retention make of them. Every row carries the test's target, so a test removes exactly its own rows.
 */
public final class StoredRuns {

    private StoredRuns() {
    }

    /** A paused schedule of the API's anonymous owner, expecting OPEN. */
    public static UUID schedule(DataSource db, String target) {
        UUID id = UUID.randomUUID();
        Sql.update(db, """
                INSERT INTO schedules (id, owner, target, ports, port_count, timeout_ms, ip_family, every_ms,
                                       expected_state, paused, next_fire_at, created_at, updated_at, quota_subject)
                VALUES (?, 'anonymous', ?, '443,8443', 2, 500, 'ANY', 60000, 'OPEN', true,
                        now() + interval '1 day', now(), now(), 'owner:anonymous')""", id, target);
        return id;
    }

    /**
     * Deletes the test's checks (their results go with them), then its schedules (their aggregates go with them).
     * In this order: a schedule deleted first sets its checks' schedule_id to NULL, which can deadlock with a job
     * that holds one of those checks locked and then refers to the schedule.
     */
    public static void remove(DataSource db, String target) {
        Sql.update(db, "DELETE FROM outbox_events WHERE aggregate_id IN (SELECT id FROM checks WHERE target = ?)",
                target);
        Sql.update(db, "DELETE FROM checks WHERE target = ?", target);
        Sql.update(db, "DELETE FROM schedules WHERE target = ?", target);
    }

    public static Check check(String target, Instant createdAt) {
        return new Check(target, createdAt);
    }

    /** One probe of a region: the port, what it found and its connect time. */
    public record Probe(int port, PortState state, long rttMicros) {
    }

    public static Probe probe(int port, PortState state, long rttMicros) {
        return new Probe(port, state, rttMicros);
    }

    /** A check to store: COMPLETE and unscheduled unless told otherwise. */
    public static final class Check {

        private final String target;
        private final Instant createdAt;
        private UUID scheduleId;
        private String status = "COMPLETE";
        private final Map<String, String> regions = new LinkedHashMap<>();
        private final Map<String, List<Probe>> probes = new LinkedHashMap<>();

        private Check(String target, Instant createdAt) {
            this.target = target;
            this.createdAt = createdAt;
        }

        public Check of(UUID schedule) {
            this.scheduleId = schedule;
            return this;
        }

        /** Not complete yet: its region without a verdict stays PENDING, its deadline a day away. */
        public Check running() {
            this.status = "RUNNING";
            return this;
        }

        public Check region(String region, String regionStatus, Probe... found) {
            regions.put(region, regionStatus);
            probes.put(region, List.of(found));
            return this;
        }

        public UUID insert(DataSource db) {
            UUID id = UUID.randomUUID();
            Timestamp created = Timestamp.from(createdAt);
            Sql.update(db, """
                    INSERT INTO checks (id, target, ports, port_count, timeout_ms, ip_family, status, created_at,
                                        deadline, completed_at, schedule_id)
                    VALUES (?, ?, '443,8443', 2, 500, 'ANY', ?, ?, now() + interval '1 day', ?, ?)""",
                    id, target, status, created, "COMPLETE".equals(status) ? created : null, scheduleId);
            for (Map.Entry<String, String> region : regions.entrySet()) {
                Sql.update(db, "INSERT INTO region_results (check_id, region, status, updated_at) VALUES (?, ?, ?, ?)",
                        id, region.getKey(), region.getValue(), created);
                for (Probe probe : probes.get(region.getKey())) {
                    Sql.update(db, """
                            INSERT INTO port_results (check_id, region, address, port, state, reason, rtt_micros)
                            VALUES (?, ?, '127.0.0.1', ?, ?, 'test', ?)""",
                            id, region.getKey(), probe.port(), probe.state().name(), probe.rttMicros());
                }
            }
            return id;
        }
    }
}
