package dev.parallax.e2e.faults;

import dev.parallax.local.PostgresServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.UUID;

/**
 * The checker every fault test ends with: what the clients were told was accepted (202) against what
 * PostgreSQL holds. "Nothing lost" means: every accepted check is stored, none is still open past its deadline
 * plus a grace period, every requested region ended, and no result key appears twice.
 *
 * @param accepted   checks answered 202
 * @param stored     of those, checks in the database
 * @param completed  of those, checks COMPLETE
 * @param overdue    of those, checks not COMPLETE although their deadline + grace has passed
 * @param lost       accepted but not stored, plus overdue
 * @param duplicated result keys (check, region) or (check, region, address, port) stored more than once, plus
 *                   verdict ids stored for more than one region row
 * @param regionsDone      region rows DONE (the agent answered)
 * @param regionsOther     region rows in another terminal state (UNAVAILABLE, FAILED, EXPIRED, ...)
 */
record DeliveryAudit(long accepted, long stored, long completed, long overdue, long lost, long duplicated,
                     long regionsDone, long regionsOther) {

    /** Reads the audit for these accepted checks; {@code grace} is added to each deadline. */
    static DeliveryAudit of(PostgresServer postgres, Collection<UUID> acceptedIds, Duration grace)
            throws SQLException {
        UUID[] ids = acceptedIds.toArray(UUID[]::new);
        try (Connection db = postgres.connect()) {
            long stored = count(db, "SELECT count(*) FROM checks WHERE id = ANY (?)", ids);
            long completed = count(db, "SELECT count(*) FROM checks WHERE id = ANY (?) AND status = 'COMPLETE'", ids);
            long overdue = count(db, "SELECT count(*) FROM checks WHERE id = ANY (?) AND status <> 'COMPLETE'"
                    + " AND deadline + make_interval(secs => " + grace.toSeconds() + ") < now()", ids);
            long duplicated = count(db, """
                    SELECT (SELECT count(*) FROM (SELECT 1 FROM region_results WHERE check_id = ANY (?)
                                                   GROUP BY check_id, region HAVING count(*) > 1) r)
                         + (SELECT count(*) FROM (SELECT 1 FROM port_results WHERE check_id = ANY (?)
                                                   GROUP BY check_id, region, address, port HAVING count(*) > 1) p)
                         + (SELECT count(*) FROM (SELECT 1 FROM region_results WHERE check_id = ANY (?)
                                                   AND verdict_id IS NOT NULL
                                                   GROUP BY verdict_id HAVING count(*) > 1) v)
                    """, ids, ids, ids);
            long done = count(db, "SELECT count(*) FROM region_results WHERE check_id = ANY (?) AND status = 'DONE'",
                    ids);
            long other = count(db, "SELECT count(*) FROM region_results WHERE check_id = ANY (?)"
                    + " AND status NOT IN ('DONE', 'PENDING')", ids);
            return new DeliveryAudit(ids.length, stored, completed, overdue, ids.length - stored + overdue, duplicated,
                    done, other);
        }
    }

    /** Checks not COMPLETE yet. */
    long open() {
        return stored - completed;
    }

    String line() {
        return "accepted " + accepted + ", stored " + stored + ", completed " + completed + ", lost " + lost
                + ", duplicated " + duplicated + " (regions DONE " + regionsDone + ", other terminal "
                + regionsOther + ")";
    }

    private static long count(Connection db, String sql, UUID[]... arrays) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < arrays.length; i++) {
                statement.setArray(i + 1, db.createArrayOf("uuid", arrays[i]));
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
