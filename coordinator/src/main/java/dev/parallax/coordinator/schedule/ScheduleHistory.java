package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.check.CheckStatus;
import dev.parallax.coordinator.database.SqlTimestamps;
import dev.parallax.coordinator.result.PortResult;
import dev.parallax.coordinator.result.RegionResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** What a schedule's runs found: run by run, and summed up as availability and latency per region and port. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class ScheduleHistory {

    private final EntityManager em;

    public ScheduleHistory(EntityManager em) {
        this.em = em;
    }

    /** One run: its due time, when it fired, and its check (null when it could not be submitted). */
    public record Run(Instant dueAt, Instant firedAt, UUID checkId, CheckStatus status, String outcome,
                      List<RegionResult> regions, List<PortResult> ports) {
    }

    /** One region's availability over a window. */
    public record RegionUptime(String region, long runs, long answered, List<PortUptime> ports) {
    }

    /**
     * One port as seen from one region: answered probes (an ERROR says nothing about the target and is left out),
     * those in the expected state, and the connect-time percentiles of probes that got an answer (OPEN or
     * CLOSED), in microseconds; null without any.
     */
    public record PortUptime(int port, long samples, long up, Double p50Micros, Double p95Micros,
                             Double p99Micros) {
    }

    /** The runs due in [from, to), newest first, at most {@code limit}. */
    public List<Run> runs(UUID scheduleId, Instant from, Instant to, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT f.fire_time, f.fired_at, f.check_id, c.status, f.outcome
                          FROM schedule_firings f LEFT JOIN checks c ON c.id = f.check_id
                         WHERE f.schedule_id = :id AND f.fire_time >= :from AND f.fire_time < :to
                         ORDER BY f.fire_time DESC
                         LIMIT :limit""")
                .setParameter("id", scheduleId)
                .setParameter("from", from)
                .setParameter("to", to)
                .setParameter("limit", limit)
                .getResultList();
        List<UUID> checkIds = rows.stream().map(row -> (UUID) row[2]).filter(Objects::nonNull).toList();
        Map<UUID, List<RegionResult>> regions = new LinkedHashMap<>();
        Map<UUID, List<PortResult>> ports = new LinkedHashMap<>();
        if (!checkIds.isEmpty()) {
            RegionResult.<RegionResult>list("checkId in ?1 order by region", checkIds)
                    .forEach(r -> regions.computeIfAbsent(r.checkId, id -> new ArrayList<>()).add(r));
            PortResult.<PortResult>list("checkId in ?1 order by region, port, address", checkIds)
                    .forEach(p -> ports.computeIfAbsent(p.checkId, id -> new ArrayList<>()).add(p));
        }
        List<Run> runs = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            UUID checkId = (UUID) row[2];
            runs.add(new Run(SqlTimestamps.instant(row[0]), SqlTimestamps.instant(row[1]), checkId,
                    row[3] == null ? null : CheckStatus.valueOf((String) row[3]), (String) row[4],
                    regions.getOrDefault(checkId, List.of()), ports.getOrDefault(checkId, List.of())));
        }
        return runs;
    }

    /** Availability per region and port of the runs created since {@code from}, regions and ports in order. */
    public List<RegionUptime> uptime(UUID scheduleId, PortState expected, Instant from) {
        @SuppressWarnings("unchecked")
        List<Object[]> regionRows = em.createNativeQuery("""
                        SELECT r.region, count(*), count(*) FILTER (WHERE r.status = :done)
                          FROM region_results r JOIN checks c ON c.id = r.check_id
                         WHERE c.schedule_id = :id AND c.created_at >= :from
                         GROUP BY r.region ORDER BY r.region""")
                .setParameter("id", scheduleId)
                .setParameter("from", from)
                .setParameter("done", RegionStatus.DONE.name())
                .getResultList();
        @SuppressWarnings("unchecked")
        List<Object[]> portRows = em.createNativeQuery("""
                        SELECT p.region, p.port,
                               count(*) FILTER (WHERE p.state <> 'ERROR'),
                               count(*) FILTER (WHERE p.state = :expected),
                               percentile_cont(0.50) WITHIN GROUP (ORDER BY p.rtt_micros)
                                   FILTER (WHERE p.state IN ('OPEN', 'CLOSED')),
                               percentile_cont(0.95) WITHIN GROUP (ORDER BY p.rtt_micros)
                                   FILTER (WHERE p.state IN ('OPEN', 'CLOSED')),
                               percentile_cont(0.99) WITHIN GROUP (ORDER BY p.rtt_micros)
                                   FILTER (WHERE p.state IN ('OPEN', 'CLOSED'))
                          FROM port_results p JOIN checks c ON c.id = p.check_id
                         WHERE c.schedule_id = :id AND c.created_at >= :from
                         GROUP BY p.region, p.port ORDER BY p.region, p.port""")
                .setParameter("id", scheduleId)
                .setParameter("from", from)
                .setParameter("expected", expected.name())
                .getResultList();
        Map<String, List<PortUptime>> ports = new LinkedHashMap<>();
        for (Object[] row : portRows) {
            ports.computeIfAbsent((String) row[0], r -> new ArrayList<>()).add(new PortUptime(
                    ((Number) row[1]).intValue(), ((Number) row[2]).longValue(), ((Number) row[3]).longValue(),
                    number(row[4]), number(row[5]), number(row[6])));
        }
        List<RegionUptime> regions = new ArrayList<>();
        for (Object[] row : regionRows) {
            String region = (String) row[0];
            regions.add(new RegionUptime(region, ((Number) row[1]).longValue(), ((Number) row[2]).longValue(),
                    ports.getOrDefault(region, List.of())));
        }
        return regions;
    }

    private static Double number(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }
}
