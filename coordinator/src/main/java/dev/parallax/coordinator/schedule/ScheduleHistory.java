package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.PortState;
import dev.parallax.coordinator.check.CheckStatus;
import dev.parallax.coordinator.database.SqlTimestamps;
import dev.parallax.coordinator.result.PortResult;
import dev.parallax.coordinator.result.PortResults;
import dev.parallax.coordinator.result.RegionResult;
import dev.parallax.coordinator.result.RegionResults;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
    private final RegionResults regionResults;
    private final PortResults portResults;

    public ScheduleHistory(EntityManager em, RegionResults regionResults, PortResults portResults) {
        this.em = em;
        this.regionResults = regionResults;
        this.portResults = portResults;
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
     * CLOSED), in microseconds, estimated from the hourly histograms ({@link UptimeRollup.Histogram#quantile});
     * null without any.
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
            regionResults.ofChecks(checkIds)
                    .forEach(r -> regions.computeIfAbsent(r.checkId(), id -> new ArrayList<>()).add(r));
            portResults.ofChecks(checkIds)
                    .forEach(p -> ports.computeIfAbsent(p.checkId(), id -> new ArrayList<>()).add(p));
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

    /**
     * Availability per region and port of the runs created in the hours from the one that holds {@code from} up to
     * now, regions and ports in order. Read from the hourly aggregates ({@link UptimeRollup}), not from the raw
     * results: so the window is in whole hours (UTC), a run counts once the rollup added it (within
     * {@code parallax.uptime.rollup-interval} of its completion), uptime still answers after retention deleted the
     * raw results, and the percentiles are estimated from histograms ({@link UptimeRollup.Histogram#quantile}).
     */
    public List<RegionUptime> uptime(UUID scheduleId, PortState expected, Instant from) {
        Instant firstHour = from.truncatedTo(ChronoUnit.HOURS);
        @SuppressWarnings("unchecked")
        List<Object[]> regionRows = em.createNativeQuery("""
                        SELECT region, sum(runs), sum(answered)
                          FROM uptime_region_hourly
                         WHERE schedule_id = :id AND hour >= :from
                         GROUP BY region ORDER BY region""")
                .setParameter("id", scheduleId)
                .setParameter("from", firstHour)
                .getResultList();
        // The histogram travels as text ('3,0,1,...'): a native query's array type depends on driver and dialect.
        @SuppressWarnings("unchecked")
        List<Object[]> portRows = em.createNativeQuery("""
                        SELECT region, port, sum(open_probes), sum(closed_probes), sum(filtered_probes),
                               min(rtt_min_micros), max(rtt_max_micros),
                               array_to_string(histogram_sum(rtt_histogram), ',')
                          FROM uptime_hourly
                         WHERE schedule_id = :id AND hour >= :from
                         GROUP BY region, port ORDER BY region, port""")
                .setParameter("id", scheduleId)
                .setParameter("from", firstHour)
                .getResultList();
        Map<String, List<PortUptime>> ports = new LinkedHashMap<>();
        for (Object[] row : portRows) {
            long open = ((Number) row[2]).longValue();
            long closed = ((Number) row[3]).longValue();
            long filtered = ((Number) row[4]).longValue();
            long up = switch (expected) {
                case OPEN -> open;
                case CLOSED -> closed;
                case FILTERED -> filtered;
                case ERROR -> 0;   // never expected: a schedule expects OPEN, CLOSED or FILTERED
            };
            Double p50 = null;
            Double p95 = null;
            Double p99 = null;
            if (row[5] != null) {
                long[] counts = histogram((String) row[7]);
                long min = ((Number) row[5]).longValue();
                long max = ((Number) row[6]).longValue();
                p50 = UptimeRollup.Histogram.quantile(counts, min, max, 0.50);
                p95 = UptimeRollup.Histogram.quantile(counts, min, max, 0.95);
                p99 = UptimeRollup.Histogram.quantile(counts, min, max, 0.99);
            }
            ports.computeIfAbsent((String) row[0], r -> new ArrayList<>()).add(new PortUptime(
                    ((Number) row[1]).intValue(), open + closed + filtered, up, p50, p95, p99));
        }
        List<RegionUptime> regions = new ArrayList<>();
        for (Object[] row : regionRows) {
            String region = (String) row[0];
            regions.add(new RegionUptime(region, ((Number) row[1]).longValue(), ((Number) row[2]).longValue(),
                    ports.getOrDefault(region, List.of())));
        }
        return regions;
    }

    private static long[] histogram(String counts) {
        String[] parts = counts.split(",");
        long[] histogram = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            histogram[i] = Long.parseLong(parts[i]);
        }
        return histogram;
    }
}
