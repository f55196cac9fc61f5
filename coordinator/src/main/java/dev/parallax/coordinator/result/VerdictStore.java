package dev.parallax.coordinator.result;

import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.coordinator.check.CheckMetrics;
import dev.parallax.coordinator.check.CheckUpdates;
import dev.parallax.coordinator.database.AfterCommit;
import dev.parallax.coordinator.database.PgArrays;
import dev.parallax.coordinator.database.SqlTimestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stores verdicts idempotently. Delivery is at least once, so the same verdict may arrive twice, and a
 * verdict may arrive after the deadline sweeper already ended its region: both MUST leave the stored rows
 * exactly as they were. The guard is the row itself: a region result changes only while it is PENDING,
 * and port rows are keyed so a repeat insert does nothing.
 */
@ApplicationScoped
@Transactional
public class VerdictStore {

    /** What happened to a verdict. */
    public enum Outcome {
        /** The verdict ended its region; its port rows are stored. */
        STORED,
        /** The region was already terminal (a repeat, or later than the deadline): nothing changed. */
        IGNORED_TERMINAL,
        /** No such check, or the check never asked this region. */
        IGNORED_UNKNOWN
    }

    private final EntityManager em;
    private final VerdictMetrics verdictMetrics;
    private final CheckMetrics checkMetrics;
    private final CheckUpdates updates;
    private final AfterCommit afterCommit;

    public VerdictStore(EntityManager em, VerdictMetrics verdictMetrics, CheckMetrics checkMetrics,
                        CheckUpdates updates, AfterCommit afterCommit) {
        this.em = em;
        this.updates = updates;
        this.afterCommit = afterCommit;
        this.verdictMetrics = verdictMetrics;
        this.checkMetrics = checkMetrics;
    }

    /** What happened to one verdict of a batch, and whether its check is a schedule's run. */
    public record Stored(ProbeVerdict verdict, Outcome outcome, boolean scheduled) {
    }

    public Outcome store(ProbeVerdict verdict) {
        return storeOne(verdict).outcome();
    }

    /**
     * Stores a batch of verdicts in ONE transaction: one commit for a poll's worth of verdicts instead of one
     * each. Verdicts are taken in check order, so two batches locking the same checks lock them in the same
     * order. If any verdict fails, nothing of the batch is stored.
     */
    public List<Stored> storeAll(List<ProbeVerdict> verdicts) {
        List<ProbeVerdict> ordered = new ArrayList<>(verdicts);
        ordered.sort(Comparator.comparing(ProbeVerdict::checkId));
        List<Stored> stored = new ArrayList<>(ordered.size());
        for (ProbeVerdict verdict : ordered) {
            stored.add(storeOne(verdict));
        }
        return stored;
    }

    private Stored storeOne(ProbeVerdict verdict) {
        // Lock the check row first: concurrent verdicts for one check (from any coordinator replica) then
        // decide the check's status one after the other, and none can leave it RUNNING forever.
        @SuppressWarnings("unchecked")
        List<Object[]> locked = em.createNativeQuery(
                        "SELECT schedule_id IS NOT NULL, created_at FROM checks WHERE id = :id FOR UPDATE")
                .setParameter("id", verdict.checkId())
                .getResultList();
        if (locked.isEmpty()) {
            return new Stored(verdict, Outcome.IGNORED_UNKNOWN, false);
        }
        boolean scheduled = Boolean.TRUE.equals(locked.getFirst()[0]);
        Instant acceptedAt = SqlTimestamps.instant(locked.getFirst()[1]);
        int updated = em.createNativeQuery("""
                        UPDATE region_results
                           SET status = :status, agent_id = :agentId, message = :message,
                               resolved_addresses = CAST(:addresses AS text[]), resolve_micros = :resolveMicros,
                               verdict_id = :verdictId, started_at = :startedAt, finished_at = :finishedAt,
                               updated_at = now()
                         WHERE check_id = :checkId AND region = :region AND status = 'PENDING'
                        """)
                .setParameter("status", verdict.status().name())
                .setParameter("agentId", verdict.agentId())
                .setParameter("message", verdict.message())
                .setParameter("addresses", PgArrays.textArray(verdict.resolvedAddresses()))
                .setParameter("resolveMicros", verdict.resolveMicros())
                .setParameter("verdictId", verdict.verdictId())
                .setParameter("startedAt", verdict.startedAt())
                .setParameter("finishedAt", verdict.finishedAt())
                .setParameter("checkId", verdict.checkId())
                .setParameter("region", verdict.region())
                .executeUpdate();
        if (updated == 0) {
            boolean asked = !em.createNativeQuery(
                            "SELECT 1 FROM region_results WHERE check_id = :checkId AND region = :region")
                    .setParameter("checkId", verdict.checkId())
                    .setParameter("region", verdict.region())
                    .getResultList().isEmpty();
            return new Stored(verdict, asked ? Outcome.IGNORED_TERMINAL : Outcome.IGNORED_UNKNOWN, scheduled);
        }
        insertPorts(verdict.checkId(), verdict.region(), verdict.ports());
        Duration sinceAccepted = Duration.between(acceptedAt, Instant.now());
        Optional<CheckMetrics.Outcome> completed = refreshCheckStatus(verdict.checkId());
        // Once the rows are visible: counted once even if a rolled-back batch is stored again, and a woken event
        // stream reads what was stored.
        afterCommit.run(() -> {
            verdictMetrics.stored(verdict, sinceAccepted);
            checkMetrics.regionEnded(verdict.region(), verdict.status());
            completed.ifPresent(outcome -> checkMetrics.completed(outcome, sinceAccepted));
            updates.changed(verdict.checkId());
        });
        return new Stored(verdict, Outcome.STORED, scheduled);
    }

    private void insertPorts(UUID checkId, String region, List<PortVerdict> ports) {
        if (ports.isEmpty()) {
            return;
        }
        // A JDBC batch: a verdict can carry thousands of ports, one statement each would be far slower.
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO port_results (check_id, region, address, port, state, reason, rtt_micros, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """)) {
                int pending = 0;
                for (PortVerdict port : ports) {
                    insert.setObject(1, checkId);
                    insert.setString(2, region);
                    insert.setString(3, port.address());
                    insert.setInt(4, port.port());
                    insert.setString(5, port.state().name());
                    insert.setString(6, port.reason().wireName());
                    insert.setLong(7, port.rttMicros());
                    insert.setString(8, port.message());
                    insert.addBatch();
                    if (++pending == 1000) {
                        insert.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    insert.executeBatch();
                }
            }
        });
    }

    /** Completes the check once no region is PENDING; the outcome when this call completed it. */
    private Optional<CheckMetrics.Outcome> refreshCheckStatus(UUID checkId) {
        // A local ERROR says nothing about the target, so it never makes a port divergent (as RegionComparison).
        @SuppressWarnings("unchecked")
        List<Object[]> updated = em.createNativeQuery("""
                        UPDATE checks
                           SET status = CASE WHEN pending.n > 0 THEN 'RUNNING' ELSE 'COMPLETE' END,
                               completed_at = CASE WHEN pending.n > 0 THEN NULL ELSE now() END,
                               divergent_ports = divergent.n
                          FROM (SELECT count(*) AS n FROM region_results
                                 WHERE check_id = :id AND status = 'PENDING') AS pending,
                               (SELECT count(*) AS n FROM (SELECT port FROM port_results
                                                            WHERE check_id = :id AND state <> 'ERROR'
                                                            GROUP BY port
                                                           HAVING count(DISTINCT state) > 1) AS ports) AS divergent,
                               (SELECT count(*) AS n FROM region_results
                                 WHERE check_id = :id AND status NOT IN ('PENDING', 'DONE')) AS not_done
                         WHERE id = :id AND status <> 'COMPLETE'
                     RETURNING checks.status, not_done.n
                        """)
                .setParameter("id", checkId)
                .getResultList();
        if (updated.isEmpty() || !"COMPLETE".equals(updated.getFirst()[0])) {
            return Optional.empty();
        }
        return Optional.of(((Number) updated.getFirst()[1]).longValue() == 0 ? CheckMetrics.Outcome.DONE
                : CheckMetrics.Outcome.PARTIAL);
    }
}
