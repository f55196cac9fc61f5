package dev.parallax.coordinator.check;

import dev.parallax.coordinator.result.RegionResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.util.List;

import static dev.parallax.coordinator.database.SqlTimestamps.bind;

/**
 * Writes new checks and their region rows as JDBC batches. A schedule fires hundreds of checks a second, and
 * persisting them as entities cost more than everything else in the run (Hibernate's persist, flush and dirty
 * checks); the objects passed here are plain values and stay unmanaged.
 */
@ApplicationScoped
public class CheckRows {

    private final EntityManager em;

    public CheckRows(EntityManager em) {
        this.em = em;
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
}
