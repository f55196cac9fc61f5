package dev.parallax.coordinator.check;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.coordinator.result.PortResult;
import dev.parallax.coordinator.result.PortResults;
import dev.parallax.coordinator.result.RegionResult;
import dev.parallax.coordinator.result.RegionResults;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.parallax.coordinator.database.SqlTimestamps.bind;
import static dev.parallax.coordinator.database.SqlTimestamps.instant;

/**
 * The {@code checks} table, in plain JDBC and never as entities. A schedule fires hundreds of checks a second, and
 * persisting them as entities cost more than everything else in the run (Hibernate's persist, flush and dirty
 * checks); an event stream reads its check each time a region of it ends, and four statements and their entities per
 * read were 16 % of the coordinator's CPU in the system benchmark. The objects passed in and handed out here are
 * plain values.
 */
@ApplicationScoped
public class CheckRows {

    /** The columns {@link #check} maps, by these names. */
    private static final String COLUMNS = "id, status, target, ports, port_count, timeout_ms, ip_family, created_at, "
            + "deadline, completed_at, schedule_id, evaluated_at, owner, divergent_ports";

    /**
     * The check, its regions and its port rows in one statement: kind 0 is the check, 1 a region, 2 a port row.
     * Columns a kind does not use are NULL; the region and port rows' columns are named as {@link RegionResults#read}
     * and {@link PortResults#read} map them ({@code check_id}, {@code region} and {@code message} shared, the check's
     * and a region's {@code status} too). Regions come by region, port rows by port, region, address. Nothing comes
     * back for a check of another owner.
     */
    private static final String FIND = """
            WITH c AS (
                SELECT %s
                  FROM checks
                 WHERE id = ? AND owner = ?
            )
            SELECT 0 AS kind, c.id, c.id AS check_id, NULL::text AS region, c.status, NULL::text AS message,
                   c.target, c.ports, c.port_count, c.timeout_ms, c.ip_family, c.created_at, c.deadline,
                   c.completed_at, c.schedule_id, c.evaluated_at, c.owner, c.divergent_ports,
                   NULL::text AS agent_id, NULL::text[] AS resolved_addresses, NULL::bigint AS resolve_micros,
                   NULL::uuid AS verdict_id, NULL::timestamptz AS started_at, NULL::timestamptz AS finished_at,
                   NULL::timestamptz AS updated_at,
                   NULL::text AS address, NULL::integer AS port, NULL::text AS state, NULL::text AS reason,
                   NULL::bigint AS rtt_micros
              FROM c
            UNION ALL
            SELECT 1, NULL, r.check_id, r.region, r.status, r.message,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   r.agent_id, r.resolved_addresses, r.resolve_micros, r.verdict_id, r.started_at, r.finished_at,
                   r.updated_at,
                   NULL, NULL, NULL, NULL, NULL
              FROM c JOIN region_results r ON r.check_id = c.id
            UNION ALL
            SELECT 2, NULL, p.check_id, p.region, NULL, p.message,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   p.address, p.port, p.state, p.reason, p.rtt_micros
              FROM c JOIN port_results p ON p.check_id = c.id
             ORDER BY kind, port, region, address
            """.formatted(COLUMNS);

    private final EntityManager em;
    private final DataSource dataSource;

    public CheckRows(EntityManager em, DataSource dataSource) {
        this.em = em;
        this.dataSource = dataSource;
    }

    /** MUST run inside the transaction that also appends the checks' outbox rows. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void insert(List<Check> checks, List<RegionResult> regions) {
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO checks (id, target, ports, port_count, timeout_ms, ip_family, status, created_at,
                                        deadline, completed_at, schedule_id, owner, divergent_ports)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                    """)) {
                for (Check check : checks) {
                    insert.setObject(1, check.id());
                    insert.setString(2, check.target());
                    insert.setString(3, check.ports());
                    insert.setInt(4, check.portCount());
                    insert.setInt(5, check.timeoutMs());
                    insert.setString(6, check.ipFamily().name());
                    insert.setString(7, check.status().name());
                    insert.setObject(8, bind(check.createdAt()));
                    insert.setObject(9, bind(check.deadline()));
                    insert.setObject(10, bind(check.completedAt()));
                    insert.setObject(11, check.scheduleId());
                    insert.setString(12, check.owner());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            RegionResults.insert(connection, regions);
        });
    }

    /**
     * The check with everything stored about it, or empty when there is no such check of this owner. One statement
     * is one snapshot in PostgreSQL even at READ COMMITTED: a verdict committing meanwhile is seen whole or not at
     * all, never as a PENDING region that already has port rows.
     *
     * <p>Through the DataSource rather than the EntityManager: no entity is built, and outside a transaction the
     * EntityManager needs a request context, which an event stream's virtual thread does not have. Inside a
     * transaction the DataSource hands out that transaction's connection, so this sees what it flushed.
     */
    public Optional<CheckService.CheckRecord> find(UUID id, String owner) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(FIND)) {
            select.setObject(1, id);
            select.setString(2, owner);
            try (ResultSet rows = select.executeQuery()) {
                Check check = null;
                List<RegionResult> regions = new ArrayList<>();
                List<PortResult> ports = new ArrayList<>();
                while (rows.next()) {
                    switch (rows.getInt("kind")) {
                        case 0 -> check = check(rows);
                        case 1 -> regions.add(RegionResults.read(rows));
                        default -> ports.add(PortResults.read(rows));
                    }
                }
                return check == null ? Optional.empty()
                        : Optional.of(new CheckService.CheckRecord(check, regions, ports));
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading check " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** When the owner's check was created; empty when there is no such check of this owner. */
    public Optional<Instant> createdAt(UUID id, String owner) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT created_at FROM checks WHERE id = ? AND owner = ?")) {
            select.setObject(1, id);
            select.setString(2, owner);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(instant(rows, "created_at")) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading check " + id + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * At most {@code limit} of the owner's checks, newest first (by creation, then id), created before
     * {@code beforeTime} (null: any), or at that time with an id below {@code beforeId} (null: none); only those
     * the regions disagree on if {@code divergentOnly}.
     */
    public List<Check> recent(String owner, int limit, Instant beforeTime, UUID beforeId, boolean divergentOnly) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM checks WHERE owner = ?");
        if (divergentOnly) {
            sql.append(" AND divergent_ports > 0");
        }
        if (beforeTime != null) {
            sql.append(beforeId == null ? " AND created_at < ?" : " AND (created_at, id) < (?, ?)");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql.toString())) {
            int parameter = 1;
            select.setString(parameter++, owner);
            if (beforeTime != null) {
                select.setObject(parameter++, bind(beforeTime));
                if (beforeId != null) {
                    select.setObject(parameter++, beforeId);
                }
            }
            select.setInt(parameter, limit);
            List<Check> checks = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    checks.add(check(rows));
                }
            }
            return checks;
        } catch (SQLException e) {
            throw new PersistenceException("listing checks failed: " + e.getMessage(), e);
        }
    }

    /** The check row at the cursor, its columns named as in {@link #COLUMNS}. */
    private static Check check(ResultSet row) throws SQLException {
        return new Check(row.getObject("id", UUID.class), row.getString("target"), row.getString("ports"),
                row.getInt("port_count"), row.getInt("timeout_ms"), IpFamily.valueOf(row.getString("ip_family")),
                CheckStatus.valueOf(row.getString("status")), instant(row, "created_at"), instant(row, "deadline"),
                instant(row, "completed_at"), row.getObject("schedule_id", UUID.class), instant(row, "evaluated_at"),
                row.getString("owner"), row.getInt("divergent_ports"));
    }
}
