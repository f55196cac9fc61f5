package dev.parallax.coordinator.database;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Timestamps as native queries and JDBC return them, whichever type the driver and Hibernate chose. */
public final class SqlTimestamps {

    private SqlTimestamps() {
    }

    /** A {@code timestamptz} column's value as an Instant; null stays null. */
    public static Instant instant(Object value) {
        return switch (value) {
            case null -> null;
            case Instant instant -> instant;
            case OffsetDateTime offset -> offset.toInstant();
            case Timestamp timestamp -> timestamp.toInstant();
            default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass());
        };
    }

    /** A {@code timestamptz} column of a JDBC row as an Instant; null stays null. */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** An Instant as pgjdbc binds a {@code timestamptz} parameter ({@code setObject}); null stays null. */
    public static OffsetDateTime bind(Instant value) {
        return value == null ? null : value.atOffset(ZoneOffset.UTC);
    }
}
