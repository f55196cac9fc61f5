package dev.parallax.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the coordinators did with the schedules, read from PostgreSQL after the run: every due time in each
 * schedule's window against {@code schedule_firings}, and the lateness of each firing.
 *
 * <p>A schedule's due times are its first due time (from the POST's answer) plus k intervals; its window is
 * {@code [created_at, created_at + window)}. A due time in the window with no firing is <em>missed</em>. A
 * <em>double</em> is a due time that ran twice: two firing rows for it (the primary key forbids that, so this is
 * the guard checking the guard), two firings naming the same check, or a scheduled check no firing names (a second
 * submission whose firing row lost the race). A firing in the window at a time that is not a due time is
 * <em>off grid</em>. Lateness is {@code fired_at - fire_time}: {@code fired_at} is the instant the coordinator's
 * claiming transaction read the clock, before the check is written and committed; "to probe start" is the agent's
 * {@code started_at} for the check, so it also covers the commit, the outbox relay, Kafka and the agent.
 */
final class FiringAudit {

    private FiringAudit() {
    }

    /** One slice of the run (by due time, one interval wide, from the first creation). */
    record Slice(long fromSeconds, Percentiles lateness) {
    }

    record Result(int schedules, long schedulesInDatabase, long expected, long found, long doubles, long offGrid,
                  long missed, long early, double firingsPerSecond, Percentiles lateness, Percentiles steadyLateness,
                  Percentiles toProbeStart,
                  Map<String, Long> firingsByCoordinator, Map<String, Long> runOutcomes, List<Slice> timeline) {

        /** Runs that did not end with the region DONE (still pending, expired, unavailable, not submitted...). */
        long runsNotDone() {
            return runOutcomes.entrySet().stream().filter(e -> !e.getKey().equals("DONE"))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    private record Firing(UUID scheduleId, Instant fireTime, Instant firedAt, String firedBy, UUID checkId,
                          String outcome, String regionStatus, Instant probeStartedAt) {
    }

    /**
     * @param steadyFrom  with {@code steadyTo}: a time when every schedule exists and none is paused (from the last
     *                    creation to the end of the watch); the rate of firings in it, whatever their due time, is
     *                    what the coordinators kept up with
     * @param components  coordinator component names by pid, to name {@code fired_by} ({@code pid@host})
     */
    static Result read(Connection db, List<BulkSchedules.Created> created, Duration every, Duration window,
                       Instant steadyFrom, Instant steadyTo, String region, Map<Long, String> components)
            throws SQLException {
        Map<UUID, BulkSchedules.Created> byId = new HashMap<>();
        created.forEach(s -> byId.put(s.id(), s));
        Instant origin = created.stream().map(BulkSchedules.Created::createdAt).min(Instant::compareTo)
                .orElse(Instant.EPOCH);

        Map<UUID, Set<Instant>> due = new HashMap<>();
        long expected = 0;
        for (BulkSchedules.Created s : created) {
            Set<Instant> times = new HashSet<>();
            Instant end = s.createdAt().plus(window);
            for (Instant t = s.firstDue(); t.isBefore(end); t = t.plus(every)) {
                times.add(t);
            }
            due.put(s.id(), times);
            expected += times.size();
        }

        List<Firing> inWindow = new ArrayList<>();
        long inSteady = 0;
        for (Firing f : firings(db, region)) {
            if (!f.firedAt().isBefore(steadyFrom) && f.firedAt().isBefore(steadyTo)) {
                inSteady++;
            }
            BulkSchedules.Created s = byId.get(f.scheduleId());
            // Firings after the window (before the pause landed) are not judged; unknown schedules are.
            if (s == null || f.fireTime().isBefore(s.createdAt().plus(window))) {
                inWindow.add(f);
            }
        }

        Map<UUID, Set<Instant>> fired = new HashMap<>();
        Set<UUID> checkIds = new HashSet<>();
        long doubles = 0;
        long offGrid = 0;
        long early = 0;
        double[] lateness = new double[inWindow.size()];
        List<Double> toProbeStart = new ArrayList<>();
        Map<String, Long> byCoordinator = new TreeMap<>();
        Map<String, Long> outcomes = new TreeMap<>();
        Map<Long, List<Double>> slices = new TreeMap<>();
        // Steady state: due once every schedule existed for an interval, past the burst of creating them all.
        Instant steadyDue = steadyFrom.plus(every);
        List<Double> steady = new ArrayList<>();
        for (int i = 0; i < inWindow.size(); i++) {
            Firing f = inWindow.get(i);
            if (!fired.computeIfAbsent(f.scheduleId(), id -> new HashSet<>()).add(f.fireTime())) {
                doubles++;
            }
            if (f.checkId() != null && !checkIds.add(f.checkId())) {
                doubles++;
            }
            if (!due.getOrDefault(f.scheduleId(), Set.of()).contains(f.fireTime())) {
                offGrid++;
            }
            double late = micros(f.fireTime(), f.firedAt()) / 1000.0;
            if (late < 0) {
                early++;
            }
            lateness[i] = late;
            if (!f.fireTime().isBefore(steadyDue)) {
                steady.add(late);
            }
            if (f.probeStartedAt() != null) {
                toProbeStart.add(micros(f.fireTime(), f.probeStartedAt()) / 1000.0);
            }
            byCoordinator.merge(coordinatorName(f.firedBy(), components), 1L, Long::sum);
            String outcome = f.checkId() == null ? "not submitted: " + f.outcome()
                    : f.regionStatus() == null ? "no " + region + " result" : f.regionStatus();
            outcomes.merge(outcome, 1L, Long::sum);
            long slice = Math.floorDiv(Duration.between(origin, f.fireTime()).toMillis(), every.toMillis());
            slices.computeIfAbsent(slice, k -> new ArrayList<>()).add(late);
        }
        doubles += scheduledChecksWithoutFiring(db);

        long matched = 0;
        for (BulkSchedules.Created s : created) {
            Set<Instant> times = fired.getOrDefault(s.id(), Set.of());
            matched += due.get(s.id()).stream().filter(times::contains).count();
        }
        List<Slice> timeline = new ArrayList<>();
        slices.forEach((slice, values) -> timeline.add(new Slice(slice * every.toSeconds(),
                Percentiles.of(values.stream().mapToDouble(Double::doubleValue).toArray()))));
        return new Result(created.size(), count(db, "SELECT count(*) FROM schedules"), expected, inWindow.size(),
                doubles, offGrid, expected - matched, early,
                inSteady / Math.max(0.001, Duration.between(steadyFrom, steadyTo).toNanos() / 1e9),
                Percentiles.of(lateness),
                Percentiles.of(steady.stream().mapToDouble(Double::doubleValue).toArray()),
                Percentiles.of(toProbeStart.stream().mapToDouble(Double::doubleValue).toArray()),
                byCoordinator, outcomes, timeline);
    }

    /** Runs in the schedules' windows whose region result is still PENDING (the agent has not answered yet). */
    static long pendingRuns(Connection db, Duration window) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("""
                SELECT count(*) FROM schedule_firings f
                  JOIN schedules s ON s.id = f.schedule_id
                  JOIN region_results r ON r.check_id = f.check_id
                 WHERE f.fire_time < s.created_at + ? * interval '1 millisecond' AND r.status = 'PENDING'""")) {
            query.setLong(1, window.toMillis());
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static List<Firing> firings(Connection db, String region) throws SQLException {
        List<Firing> firings = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement("""
                SELECT f.schedule_id, f.fire_time, f.fired_at, f.fired_by, f.check_id, f.outcome, r.status,
                       r.started_at
                  FROM schedule_firings f
                  LEFT JOIN region_results r ON r.check_id = f.check_id AND r.region = ?""")) {
            query.setString(1, region);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    firings.add(new Firing(row.getObject(1, UUID.class), instant(row, 2), instant(row, 3),
                            row.getString(4), row.getObject(5, UUID.class), row.getString(6), row.getString(7),
                            instant(row, 8)));
                }
            }
        }
        return firings;
    }

    /** Scheduled checks that no firing names: a due time submitted a second time would leave one. */
    private static long scheduledChecksWithoutFiring(Connection db) throws SQLException {
        return count(db, """
                SELECT count(*) FROM checks c
                 WHERE c.schedule_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM schedule_firings f WHERE f.check_id = c.id)""");
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String coordinatorName(String firedBy, Map<Long, String> components) {
        int at = firedBy.indexOf('@');
        try {
            String name = components.get(Long.parseLong(at < 0 ? firedBy : firedBy.substring(0, at)));
            return name != null ? name : firedBy;
        } catch (NumberFormatException e) {
            return firedBy;
        }
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static long micros(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1_000;
    }
}
