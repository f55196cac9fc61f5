package dev.parallax.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** What PostgreSQL holds about the benchmark's checks, as the phases read it. */
final class CheckQueries {

    private CheckQueries() {
    }

    /**
     * Of some checks, those whose every region ended DONE: how many completed within a window, how many a second
     * from its start to the last completion, and their latency from acceptance to completion.
     */
    record Completion(int inWindow, double sustained, Percentiles latency) {
    }

    /** Waits until none of the checks is still open, or {@code patience} ran out. */
    static void awaitCompletion(Connection db, List<UUID> ids, Duration patience) throws Exception {
        long giveUp = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < giveUp && pending(db, ids) > 0) {
            Thread.sleep(500);
        }
    }

    /** The regions of these checks that ended other than DONE, by status ("none" when all are DONE). */
    static String regionsNotDone(Connection db, List<UUID> ids) throws Exception {
        StringBuilder statuses = new StringBuilder();
        try (PreparedStatement query = db.prepareStatement("""
                SELECT status, count(*) FROM region_results
                 WHERE check_id = ANY (?) AND status <> 'DONE' GROUP BY status ORDER BY status
                """)) {
            query.setArray(1, db.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    statuses.append(statuses.isEmpty() ? "" : ", ")
                            .append(String.format(Locale.ROOT, "%s %,d", rows.getString(1), rows.getLong(2)));
                }
            }
        }
        return statuses.isEmpty() ? "none" : statuses.toString();
    }

    static int pending(Connection db, List<UUID> ids) throws Exception {
        return (int) countOf(db, "SELECT count(*) FROM checks WHERE id = ANY (?) AND status <> 'COMPLETE'", ids);
    }

    /** A {@code count(*)} query whose one parameter is these check ids. */
    static long countOf(Connection db, String sql, List<UUID> ids) throws Exception {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            query.setArray(1, db.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    static Completion completion(Connection db, List<UUID> ids, long fromMillis, long toMillis)
            throws Exception {
        List<Double> latencies = new ArrayList<>();
        int inWindow = 0;
        double lastCompleted = fromMillis;
        try (PreparedStatement query = db.prepareStatement("""
                SELECT EXTRACT(EPOCH FROM c.completed_at - c.created_at) * 1000,
                       EXTRACT(EPOCH FROM c.completed_at) * 1000
                  FROM checks c
                 WHERE c.id = ANY (?) AND c.status = 'COMPLETE'
                   AND NOT EXISTS (SELECT 1 FROM region_results r WHERE r.check_id = c.id AND r.status <> 'DONE')
                """)) {
            query.setArray(1, db.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    latencies.add(rows.getDouble(1));
                    double completedAt = rows.getDouble(2);
                    if (completedAt >= fromMillis && completedAt <= toMillis) {
                        inWindow++;
                    }
                    lastCompleted = Math.max(lastCompleted, completedAt);
                }
            }
        }
        double sustained = latencies.size() / Math.max(1.0, (lastCompleted - fromMillis) / 1000.0);
        return new Completion(inWindow, sustained,
                Percentiles.of(latencies.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    static long count(Connection db, String sql) throws Exception {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
