package dev.parallax.coordinator.database;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Tells a passing database failure (worth a retry, or a 503) from a permanent one. */
public final class DatabaseErrors {

    private DatabaseErrors() {
    }

    /**
     * True when the failure says the database is unreachable, restarting or briefly refusing the work
     * (connection errors, SQLState class 08; shutdown, 57P01-57P03; serialization failure 40001; deadlock
     * 40P01), so the same work may succeed later.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
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
                if (sql.getMessage() != null && sql.getMessage().contains("Acquisition timeout")) {
                    return true;
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
