package dev.parallax.coordinator.result;

import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.coordinator.database.AfterCommit;
import dev.parallax.coordinator.database.PgArrays;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Stores verdicts idempotently. Delivery is at least once, so the same verdict may arrive twice, and a
 * verdict may arrive after the deadline sweeper already ended its region: both MUST leave the stored rows
 * exactly as they were. The guard is the row itself: a region result changes only while it is PENDING,
 * and port rows are keyed so a repeat insert does nothing.
 *
 * <p>A batch is stored with a fixed number of statements whatever its size (each takes the whole batch as
 * arrays through {@code unnest}): one per verdict made the ingester the stack's bottleneck.
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
        return storeAll(List.of(verdict)).getFirst().outcome();
    }

    /**
     * Stores a batch of verdicts in ONE transaction: one commit for a poll's worth of verdicts instead of one
     * each. If any verdict fails, nothing of the batch is stored. The answer is in the batch's order.
     */
    public List<Stored> storeAll(List<ProbeVerdict> verdicts) {
        if (verdicts.isEmpty()) {
            return List.of();
        }
        Batch batch = em.unwrap(Session.class).doReturningWork(connection -> storeBatch(connection, verdicts));
        // Once the rows are visible: counted once even if a rolled-back batch is stored again, and a woken event
        // stream reads what was stored.
        afterCommit.run(() -> batch.announce(verdictMetrics, checkMetrics, updates));
        return batch.outcomes();
    }

    private record Key(UUID checkId, String region) {
        static Key of(ProbeVerdict verdict) {
            return new Key(verdict.checkId(), verdict.region());
        }
    }

    /** A checks row as the batch locked it. */
    private record LockedCheck(boolean scheduled, Instant acceptedAt) {
    }

    /** A stored batch: its outcomes, and what to count and whom to wake once it committed. */
    private record Batch(List<Stored> outcomes, Map<UUID, Duration> sinceAccepted,
                         Map<UUID, CheckMetrics.Outcome> completed) {

        void announce(VerdictMetrics verdictMetrics, CheckMetrics checkMetrics, CheckUpdates updates) {
            for (Stored stored : outcomes) {
                if (stored.outcome() == Outcome.STORED) {
                    ProbeVerdict verdict = stored.verdict();
                    verdictMetrics.stored(verdict, sinceAccepted.get(verdict.checkId()));
                    checkMetrics.regionEnded(verdict.region(), verdict.status());
                }
            }
            completed.forEach((checkId, outcome) -> checkMetrics.completed(outcome, sinceAccepted.get(checkId)));
            sinceAccepted.keySet().forEach(updates::changed);
        }
    }

    private static Batch storeBatch(Connection connection, List<ProbeVerdict> verdicts) throws SQLException {
        Map<UUID, LockedCheck> checks = lockChecks(connection, verdicts);
        Instant now = Instant.now();

        // At most one verdict per region can end it; a second one in the same batch is a repeat.
        List<ProbeVerdict> candidates = new ArrayList<>();
        Set<Key> seen = new HashSet<>();
        for (ProbeVerdict verdict : verdicts) {
            if (checks.containsKey(verdict.checkId()) && seen.add(Key.of(verdict))) {
                candidates.add(verdict);
            }
        }
        Set<Key> ended = endRegions(connection, candidates);
        List<ProbeVerdict> storedVerdicts = candidates.stream().filter(v -> ended.contains(Key.of(v))).toList();
        insertPorts(connection, storedVerdicts);

        Map<UUID, Duration> sinceAccepted = new HashMap<>();
        for (ProbeVerdict verdict : storedVerdicts) {
            sinceAccepted.put(verdict.checkId(), Duration.between(checks.get(verdict.checkId()).acceptedAt(), now));
        }
        Map<UUID, CheckMetrics.Outcome> completed = refreshCheckStatus(connection, sinceAccepted.keySet());

        Set<ProbeVerdict> stored = Collections.newSetFromMap(new IdentityHashMap<>());
        stored.addAll(storedVerdicts);
        List<ProbeVerdict> notStored = verdicts.stream()
                .filter(v -> checks.containsKey(v.checkId()) && !stored.contains(v)).toList();
        Set<Key> asked = askedRegions(connection, notStored);
        List<Stored> outcomes = new ArrayList<>(verdicts.size());
        for (ProbeVerdict verdict : verdicts) {
            LockedCheck check = checks.get(verdict.checkId());
            Key key = Key.of(verdict);
            Outcome outcome;
            if (check == null) {
                outcome = Outcome.IGNORED_UNKNOWN;
            } else if (stored.remove(verdict)) {
                outcome = Outcome.STORED;
            } else {
                outcome = ended.contains(key) || asked.contains(key) ? Outcome.IGNORED_TERMINAL
                        : Outcome.IGNORED_UNKNOWN;
            }
            outcomes.add(new Stored(verdict, outcome, check != null && check.scheduled()));
        }
        return new Batch(outcomes, sinceAccepted, completed);
    }

    /**
     * Locks the batch's checks rows, in id order: concurrent verdicts for one check (from any coordinator
     * replica, or the deadline sweeper) then decide the check's status one after the other, none can leave it
     * RUNNING forever, and two batches that share checks lock them in the same order.
     */
    private static Map<UUID, LockedCheck> lockChecks(Connection connection, List<ProbeVerdict> verdicts)
            throws SQLException {
        UUID[] ids = verdicts.stream().map(ProbeVerdict::checkId).distinct().toArray(UUID[]::new);
        Map<UUID, LockedCheck> locked = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, schedule_id IS NOT NULL, created_at FROM checks
                 WHERE id = ANY(?) ORDER BY id FOR UPDATE
                """)) {
            select.setArray(1, connection.createArrayOf("uuid", ids));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    locked.put(rows.getObject(1, UUID.class),
                            new LockedCheck(rows.getBoolean(2), rows.getTimestamp(3).toInstant()));
                }
            }
        }
        return locked;
    }

    /** Ends the still PENDING regions the verdicts answer; the regions it ended. */
    private static Set<Key> endRegions(Connection connection, List<ProbeVerdict> verdicts) throws SQLException {
        Set<Key> ended = new HashSet<>();
        if (verdicts.isEmpty()) {
            return ended;
        }
        int n = verdicts.size();
        UUID[] checkIds = new UUID[n];
        String[] regions = new String[n];
        String[] statuses = new String[n];
        String[] agentIds = new String[n];
        String[] messages = new String[n];
        String[] addresses = new String[n];
        Long[] resolveMicros = new Long[n];
        UUID[] verdictIds = new UUID[n];
        String[] startedAt = new String[n];
        String[] finishedAt = new String[n];
        for (int i = 0; i < n; i++) {
            ProbeVerdict verdict = verdicts.get(i);
            checkIds[i] = verdict.checkId();
            regions[i] = verdict.region();
            statuses[i] = verdict.status().name();
            agentIds[i] = verdict.agentId();
            messages[i] = verdict.message();
            // unnest would flatten an array of arrays: each row's addresses travel as one array literal.
            addresses[i] = PgArrays.textArray(verdict.resolvedAddresses());
            resolveMicros[i] = verdict.resolveMicros();
            verdictIds[i] = verdict.verdictId();
            startedAt[i] = verdict.startedAt().toString();
            finishedAt[i] = verdict.finishedAt().toString();
        }
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE region_results r
                   SET status = v.status, agent_id = v.agent_id, message = v.message,
                       resolved_addresses = CAST(v.addresses AS text[]), resolve_micros = v.resolve_micros,
                       verdict_id = v.verdict_id, started_at = v.started_at, finished_at = v.finished_at,
                       updated_at = now()
                  FROM unnest(?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS timestamptz[]), CAST(? AS timestamptz[]))
                       AS v(check_id, region, status, agent_id, message, addresses, resolve_micros, verdict_id,
                            started_at, finished_at)
                 WHERE r.check_id = v.check_id AND r.region = v.region AND r.status = 'PENDING'
             RETURNING r.check_id, r.region
                """)) {
            bindColumns(update, connection.createArrayOf("uuid", checkIds), connection.createArrayOf("text", regions),
                    connection.createArrayOf("text", statuses), connection.createArrayOf("text", agentIds),
                    connection.createArrayOf("text", messages), connection.createArrayOf("text", addresses),
                    connection.createArrayOf("int8", resolveMicros), connection.createArrayOf("uuid", verdictIds),
                    connection.createArrayOf("text", startedAt), connection.createArrayOf("text", finishedAt));
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    ended.add(new Key(rows.getObject(1, UUID.class), rows.getString(2)));
                }
            }
        }
        return ended;
    }

    /** The port rows of the verdicts that ended their region, in one statement; a repeated row is skipped. */
    private static void insertPorts(Connection connection, List<ProbeVerdict> verdicts) throws SQLException {
        int n = verdicts.stream().mapToInt(v -> v.ports().size()).sum();
        if (n == 0) {
            return;
        }
        UUID[] checkIds = new UUID[n];
        String[] regions = new String[n];
        String[] addresses = new String[n];
        Integer[] ports = new Integer[n];
        String[] states = new String[n];
        String[] reasons = new String[n];
        Long[] rttMicros = new Long[n];
        String[] messages = new String[n];
        int i = 0;
        for (ProbeVerdict verdict : verdicts) {
            for (PortVerdict port : verdict.ports()) {
                checkIds[i] = verdict.checkId();
                regions[i] = verdict.region();
                addresses[i] = port.address();
                ports[i] = port.port();
                states[i] = port.state().name();
                reasons[i] = port.reason().wireName();
                rttMicros[i] = port.rttMicros();
                messages[i] = port.message();
                i++;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO port_results (check_id, region, address, port, state, reason, rtt_micros, message)
                SELECT * FROM unnest(?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)) {
            bindColumns(insert, connection.createArrayOf("uuid", checkIds), connection.createArrayOf("text", regions),
                    connection.createArrayOf("text", addresses), connection.createArrayOf("int4", ports),
                    connection.createArrayOf("text", states), connection.createArrayOf("text", reasons),
                    connection.createArrayOf("int8", rttMicros), connection.createArrayOf("text", messages));
            insert.executeUpdate();
        }
    }

    /** Binds one array per column, in order, for a statement that reads them through {@code unnest}. */
    private static void bindColumns(PreparedStatement statement, Array... columns) throws SQLException {
        for (int i = 0; i < columns.length; i++) {
            statement.setArray(i + 1, columns[i]);
        }
    }

    /**
     * Recounts the given checks: COMPLETE once no region is PENDING, and their divergent ports. The outcome of
     * each check this call completed.
     */
    private static Map<UUID, CheckMetrics.Outcome> refreshCheckStatus(Connection connection, Set<UUID> checkIds)
            throws SQLException {
        Map<UUID, CheckMetrics.Outcome> completed = new HashMap<>();
        if (checkIds.isEmpty()) {
            return completed;
        }
        // A local ERROR says nothing about the target, so it never makes a port divergent (as RegionComparison).
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE checks
                   SET status = CASE WHEN counts.pending > 0 THEN 'RUNNING' ELSE 'COMPLETE' END,
                       completed_at = CASE WHEN counts.pending > 0 THEN NULL ELSE now() END,
                       divergent_ports = counts.divergent
                  FROM (SELECT touched.id,
                               (SELECT count(*) FROM region_results r
                                 WHERE r.check_id = touched.id AND r.status = 'PENDING') AS pending,
                               (SELECT count(*) FROM region_results r
                                 WHERE r.check_id = touched.id AND r.status NOT IN ('PENDING', 'DONE')) AS not_done,
                               (SELECT count(*) FROM (SELECT p.port FROM port_results p
                                                       WHERE p.check_id = touched.id AND p.state <> 'ERROR'
                                                       GROUP BY p.port
                                                      HAVING count(DISTINCT p.state) > 1) AS ports) AS divergent
                          FROM unnest(?) AS touched(id)) AS counts
                 WHERE checks.id = counts.id AND checks.status <> 'COMPLETE'
             RETURNING checks.id, checks.status, counts.not_done
                """)) {
            update.setArray(1, connection.createArrayOf("uuid", checkIds.toArray(UUID[]::new)));
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    if ("COMPLETE".equals(rows.getString(2))) {
                        completed.put(rows.getObject(1, UUID.class), rows.getLong(3) == 0
                                ? CheckMetrics.Outcome.DONE : CheckMetrics.Outcome.PARTIAL);
                    }
                }
            }
        }
        return completed;
    }

    /** Which of the verdicts' regions their checks asked (a verdict for one that was not asked is unknown). */
    private static Set<Key> askedRegions(Connection connection, List<ProbeVerdict> verdicts) throws SQLException {
        Set<Key> asked = new HashSet<>();
        if (verdicts.isEmpty()) {
            return asked;
        }
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT r.check_id, r.region FROM region_results r
                  JOIN unnest(?, ?) AS v(check_id, region) ON r.check_id = v.check_id AND r.region = v.region
                """)) {
            select.setArray(1, connection.createArrayOf("uuid",
                    verdicts.stream().map(ProbeVerdict::checkId).toArray(UUID[]::new)));
            select.setArray(2, connection.createArrayOf("text",
                    verdicts.stream().map(ProbeVerdict::region).toArray(String[]::new)));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    asked.add(new Key(rows.getObject(1, UUID.class), rows.getString(2)));
                }
            }
        }
        return asked;
    }
}
