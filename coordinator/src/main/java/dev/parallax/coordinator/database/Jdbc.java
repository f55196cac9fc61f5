package dev.parallax.coordinator.database;

import jakarta.persistence.PersistenceException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One statement on a pooled connection, for the tables read and written in SQL: the connection and statement closed
 * however it ends, and a {@link SQLException} turned into a {@link PersistenceException} that names what was being
 * done (which {@link DatabaseErrors} then tells transient or not).
 */
public final class Jdbc {

    /** Binds a statement's parameters; the connection is there for what it must create (SQL arrays). */
    @FunctionalInterface
    public interface Parameters {
        void bind(Connection connection, PreparedStatement statement) throws SQLException;
    }

    /** Maps the row at the cursor. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private Jdbc() {
    }

    /** The rows a statement answers (a SELECT, or a change with RETURNING), each mapped by {@code reader}. */
    public static <T> List<T> query(DataSource dataSource, String doing, String sql, Parameters parameters,
                                    RowReader<T> reader) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            parameters.bind(connection, statement);
            List<T> read = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    read.add(reader.read(rows));
                }
            }
            return read;
        } catch (SQLException e) {
            throw failed(doing, e);
        }
    }

    /** As {@link #query(DataSource, String, String, Parameters, RowReader)}, each value bound in order. */
    public static <T> List<T> query(DataSource dataSource, String doing, String sql, RowReader<T> reader,
                                    Object... values) {
        return query(dataSource, doing, sql, inOrder(values), reader);
    }

    /** The number of rows a statement changed. */
    public static int update(DataSource dataSource, String doing, String sql, Parameters parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            parameters.bind(connection, statement);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failed(doing, e);
        }
    }

    /** As {@link #update(DataSource, String, String, Parameters)}, each value bound in order. */
    public static int update(DataSource dataSource, String doing, String sql, Object... values) {
        return update(dataSource, doing, sql, inOrder(values));
    }

    public static PersistenceException failed(String doing, SQLException e) {
        return new PersistenceException(doing + " failed: " + e.getMessage(), e);
    }

    private static Parameters inOrder(Object... values) {
        return (connection, statement) -> {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
        };
    }
}
