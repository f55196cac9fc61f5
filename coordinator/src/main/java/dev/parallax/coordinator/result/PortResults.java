package dev.parallax.coordinator.result;

import dev.parallax.common.contract.PortState;
import dev.parallax.coordinator.database.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Reads {@code port_results} rows back as {@link PortResult}s: the one mapping of a port row, for a check's page, a
 * schedule's runs, the alert evaluator and the Prometheus exposition.
 *
 * <p>The table is reached through SQL only, never as an entity: its rows are written by {@link VerdictStore} in one
 * {@code INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING} per batch of verdicts, since a statement (or an
 * entity) per row made the verdict ingester the stack's bottleneck. Reads are plain JDBC over the DataSource, which
 * inside a transaction hands out that transaction's connection, and outside one needs no request context.
 */
@ApplicationScoped
public class PortResults {

    /** The columns {@link #read} maps, by these names. */
    static final String COLUMNS = "check_id, region, address, port, state, reason, rtt_micros, message";

    private static final String OF_CHECKS = """
            SELECT %s FROM port_results
             WHERE check_id = ANY (?)
             ORDER BY check_id, port, region, address
            """.formatted(COLUMNS);

    private final DataSource dataSource;

    public PortResults(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The port rows of these checks, each check's by port, region and address. */
    public List<PortResult> ofChecks(Collection<UUID> checkIds) {
        if (checkIds.isEmpty()) {
            return new ArrayList<>();
        }
        return Jdbc.query(dataSource, "reading the port results of " + checkIds.size() + " check(s)", OF_CHECKS,
                (connection, select) -> select.setArray(1, connection.createArrayOf("uuid",
                        checkIds.toArray(UUID[]::new))), PortResults::read);
    }

    /**
     * The port row at the cursor, its columns named as in {@link #COLUMNS}; a statement that reads port rows with
     * other rows (a check with its results, in one snapshot) names them so too.
     */
    public static PortResult read(ResultSet row) throws SQLException {
        return new PortResult(row.getObject("check_id", UUID.class), row.getString("region"),
                row.getString("address"), row.getInt("port"), PortState.valueOf(row.getString("state")),
                row.getString("reason"), row.getLong("rtt_micros"), row.getString("message"));
    }
}
