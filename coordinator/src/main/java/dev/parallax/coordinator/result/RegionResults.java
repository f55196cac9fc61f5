package dev.parallax.coordinator.result;

import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.database.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import static dev.parallax.coordinator.database.SqlTimestamps.bind;
import static dev.parallax.coordinator.database.SqlTimestamps.instant;

/**
 * Writes a new check's {@code region_results} rows and reads rows back as {@link RegionResult}s: the one mapping of a
 * region row.
 *
 * <p>The table is reached through SQL only, never as an entity: a schedule's batch of checks writes its rows in one
 * JDBC batch, and {@link VerdictStore} ends a whole batch of verdicts' regions in one {@code UPDATE ... FROM
 * unnest(...)}, since a statement (or an entity) per row cost more than the rest of the work. Reads are plain JDBC
 * over the DataSource, as in {@link PortResults}.
 */
@ApplicationScoped
public class RegionResults {

    /** The columns {@link #read} maps, by these names. */
    static final String COLUMNS = "check_id, region, status, agent_id, message, resolved_addresses, resolve_micros, "
            + "verdict_id, started_at, finished_at, updated_at";

    private static final String OF_CHECKS = """
            SELECT %s FROM region_results
             WHERE check_id = ANY (?)
             ORDER BY check_id, region
            """.formatted(COLUMNS);

    private final DataSource dataSource;

    public RegionResults(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The region rows of these checks, each check's by region. */
    public List<RegionResult> ofChecks(Collection<UUID> checkIds) {
        if (checkIds.isEmpty()) {
            return new ArrayList<>();
        }
        return Jdbc.query(dataSource, "reading the region results of " + checkIds.size() + " check(s)", OF_CHECKS,
                (connection, select) -> select.setArray(1, connection.createArrayOf("uuid",
                        checkIds.toArray(UUID[]::new))), RegionResults::read);
    }

    /**
     * The region row at the cursor, its columns named as in {@link #COLUMNS}; a statement that reads region rows with
     * other rows (a check with its results, in one snapshot) names them so too.
     */
    public static RegionResult read(ResultSet row) throws SQLException {
        Array addresses = row.getArray("resolved_addresses");
        List<String> resolved = List.of();
        if (addresses != null) {
            resolved = Arrays.asList((String[]) addresses.getArray());
            addresses.free();
        }
        return new RegionResult(row.getObject("check_id", UUID.class), row.getString("region"),
                RegionStatus.valueOf(row.getString("status")), row.getString("agent_id"), row.getString("message"),
                resolved, row.getObject("resolve_micros", Long.class), row.getObject("verdict_id", UUID.class),
                instant(row, "started_at"), instant(row, "finished_at"), instant(row, "updated_at"));
    }

    /** The rows of checks just accepted, in one JDBC batch on the caller's connection (and so its transaction). */
    public static void insert(Connection connection, List<RegionResult> regions) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO region_results (check_id, region, status, message, finished_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """)) {
            for (RegionResult region : regions) {
                insert.setObject(1, region.checkId());
                insert.setString(2, region.region());
                insert.setString(3, region.status().name());
                insert.setString(4, region.message());
                insert.setObject(5, bind(region.finishedAt()));
                insert.setObject(6, bind(region.updatedAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
