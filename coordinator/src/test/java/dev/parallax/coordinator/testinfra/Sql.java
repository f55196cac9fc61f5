package dev.parallax.coordinator.testinfra;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Straight SQL against the test database, to assert on rows rather than on what the API chooses to show. */
public final class Sql {

    private Sql() {
    }

    public static List<Map<String, Object>> rows(DataSource dataSource, String sql, Object... args) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        row.put(result.getMetaData().getColumnLabel(c), result.getObject(c));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new AssertionError("query failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    public static long count(DataSource dataSource, String sql, Object... args) {
        return ((Number) rows(dataSource, sql, args).getFirst().values().iterator().next()).longValue();
    }

    public static int update(DataSource dataSource, String sql, Object... args) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new AssertionError("update failed: " + sql + ": " + e.getMessage(), e);
        }
    }
}
