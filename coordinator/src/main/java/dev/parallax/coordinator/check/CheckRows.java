package dev.parallax.coordinator.check;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.result.PortResult;
import dev.parallax.coordinator.result.RegionResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.parallax.coordinator.database.SqlTimestamps.bind;

/**
 * A check's rows in plain JDBC. A schedule fires hundreds of checks a second, and persisting them as entities cost
 * more than everything else in the run (Hibernate's persist, flush and dirty checks); an event stream reads its
 * check each time a region of it ends, and four statements and their entities per read were 16 % of the
 * coordinator's CPU in the system benchmark. The objects passed in and handed out here are plain values, never
 * managed.
 */
@ApplicationScoped
public class CheckRows {

    /**
     * The check, its regions and its port rows in one statement: kind 0 is the check, 1 a region, 2 a port row.
     * Columns a kind does not use are NULL; {@code region}, {@code status} (a port row's state) and {@code message}
     * are shared. Rows come as the entities' queries ordered them: regions by region, port rows by port, region,
     * address. Nothing comes back for a check of another owner.
     */
    private static final String FIND = """
            WITH c AS (
                SELECT id, status, target, ports, port_count, timeout_ms, ip_family, created_at, deadline,
                       completed_at, schedule_id, evaluated_at, owner, divergent_ports
                  FROM checks
                 WHERE id = ? AND owner = ?
            )
            SELECT 0 AS kind, NULL::text AS region, c.status, NULL::text AS message,
                   c.target, c.ports, c.port_count, c.timeout_ms, c.ip_family, c.created_at, c.deadline,
                   c.completed_at, c.schedule_id, c.evaluated_at, c.owner, c.divergent_ports,
                   NULL::text AS agent_id, NULL::text[] AS resolved_addresses, NULL::bigint AS resolve_micros,
                   NULL::uuid AS verdict_id, NULL::timestamptz AS started_at, NULL::timestamptz AS finished_at,
                   NULL::timestamptz AS updated_at,
                   NULL::text AS address, NULL::integer AS port, NULL::text AS reason, NULL::bigint AS rtt_micros
              FROM c
            UNION ALL
            SELECT 1, r.region, r.status, r.message,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   r.agent_id, r.resolved_addresses, r.resolve_micros, r.verdict_id, r.started_at, r.finished_at,
                   r.updated_at,
                   NULL, NULL, NULL, NULL
              FROM c JOIN region_results r ON r.check_id = c.id
            UNION ALL
            SELECT 2, p.region, p.state, p.message,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   p.address, p.port, p.reason, p.rtt_micros
              FROM c JOIN port_results p ON p.check_id = c.id
             ORDER BY kind, port, region, address
            """;

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
                    insert.setObject(1, check.id);
                    insert.setString(2, check.target);
                    insert.setString(3, check.ports);
                    insert.setInt(4, check.portCount);
                    insert.setInt(5, check.timeoutMs);
                    insert.setString(6, check.ipFamily.name());
                    insert.setString(7, check.status.name());
                    insert.setObject(8, bind(check.createdAt));
                    insert.setObject(9, bind(check.deadline));
                    insert.setObject(10, bind(check.completedAt));
                    insert.setObject(11, check.scheduleId);
                    insert.setString(12, check.owner);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO region_results (check_id, region, status, message, finished_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)) {
                for (RegionResult region : regions) {
                    insert.setObject(1, region.checkId);
                    insert.setString(2, region.region);
                    insert.setString(3, region.status.name());
                    insert.setString(4, region.message);
                    insert.setObject(5, bind(region.finishedAt));
                    insert.setObject(6, bind(region.updatedAt));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
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
                        case 0 -> check = check(id, rows);
                        case 1 -> regions.add(region(id, rows));
                        default -> ports.add(port(id, rows));
                    }
                }
                return check == null ? Optional.empty()
                        : Optional.of(new CheckService.CheckRecord(check, regions, ports));
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading check " + id + " failed: " + e.getMessage(), e);
        }
    }

    private static Check check(UUID id, ResultSet row) throws SQLException {
        Check check = new Check();
        check.id = id;
        check.target = row.getString("target");
        check.ports = row.getString("ports");
        check.portCount = row.getInt("port_count");
        check.timeoutMs = row.getInt("timeout_ms");
        check.ipFamily = IpFamily.valueOf(row.getString("ip_family"));
        check.status = CheckStatus.valueOf(row.getString("status"));
        check.createdAt = instant(row, "created_at");
        check.deadline = instant(row, "deadline");
        check.completedAt = instant(row, "completed_at");
        check.scheduleId = row.getObject("schedule_id", UUID.class);
        check.evaluatedAt = instant(row, "evaluated_at");
        check.owner = row.getString("owner");
        check.divergentPorts = row.getInt("divergent_ports");
        return check;
    }

    private static RegionResult region(UUID checkId, ResultSet row) throws SQLException {
        RegionResult region = new RegionResult();
        region.checkId = checkId;
        region.region = row.getString("region");
        region.status = RegionStatus.valueOf(row.getString("status"));
        region.agentId = row.getString("agent_id");
        region.message = row.getString("message");
        Array addresses = row.getArray("resolved_addresses");
        if (addresses != null) {
            region.resolvedAddresses = Arrays.asList((String[]) addresses.getArray());
            addresses.free();
        }
        region.resolveMicros = row.getObject("resolve_micros", Long.class);
        region.verdictId = row.getObject("verdict_id", UUID.class);
        region.startedAt = instant(row, "started_at");
        region.finishedAt = instant(row, "finished_at");
        region.updatedAt = instant(row, "updated_at");
        return region;
    }

    private static PortResult port(UUID checkId, ResultSet row) throws SQLException {
        PortResult port = new PortResult();
        port.checkId = checkId;
        port.region = row.getString("region");
        port.address = row.getString("address");
        port.port = row.getInt("port");
        port.state = PortState.valueOf(row.getString("status"));
        port.reason = row.getString("reason");
        port.rttMicros = row.getLong("rtt_micros");
        port.message = row.getString("message");
        return port;
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
