package dev.parallax.coordinator.database;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Tells a passing database failure (worth a retry, or a 503) from a permanent one. */
public final class DatabaseErrors {

    /** A bound on the exceptions one failure can point to; real chains have a dozen or so. */
    private static final int MAX_EXCEPTIONS_SEARCHED = 100;

    private DatabaseErrors() {
    }

    /**
     * True when the failure says the database is unreachable, restarting or briefly refusing the work
     * (connection errors, SQLState class 08; shutdown, 57P01-57P03; serialization failure 40001; deadlock
     * 40P01), so the same work may succeed later. Causes and suppressed exceptions are both searched: a commit
     * that fails because PostgreSQL is shutting down arrives as a RollbackException whose reason is only a
     * suppressed XAException's cause.
     */
    public static boolean isTransient(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> toVisit = new ArrayDeque<>();
        if (failure != null) {
            toVisit.add(failure);
        }
        while (!toVisit.isEmpty() && seen.size() < MAX_EXCEPTIONS_SEARCHED) {
            Throwable cause = toVisit.poll();
            if (!seen.add(cause)) {
                continue;
            }
            if (saysTransient(cause)) {
                return true;
            }
            if (cause.getCause() != null) {
                toVisit.add(cause.getCause());
            }
            toVisit.addAll(List.of(cause.getSuppressed()));
        }
        return false;
    }

    private static boolean saysTransient(Throwable cause) {
        if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException
                || cause instanceof ConnectException
                || cause.getClass().getName().equals("org.hibernate.exception.JDBCConnectionException")) {
            return true;
        }
        if (cause instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state != null && (state.startsWith("08") || state.startsWith("57P")
                    || state.equals("40001") || state.equals("40P01"))) {
                return true;
            }
            // Agroal reports an exhausted or unreachable pool without an SQLState.
            return sql.getMessage() != null && sql.getMessage().contains("Acquisition timeout");
        }
        return false;
    }
}
