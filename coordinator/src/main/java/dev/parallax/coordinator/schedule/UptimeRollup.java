package dev.parallax.coordinator.schedule;

import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.database.PgArrays;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.UUID;

/**
 * Adds completed scheduled checks into the hourly uptime aggregates ({@code uptime_region_hourly},
 * {@code uptime_hourly}), which is what {@link ScheduleHistory#uptime} reads; so a schedule's uptime outlives the
 * raw results that retention deletes. Runs on every coordinator every {@code parallax.uptime.rollup-interval}.
 *
 * <p>A check is counted exactly once however many coordinators run this. A batch MUST run in one transaction: its
 * checks are claimed with {@code FOR NO KEY UPDATE SKIP LOCKED} (another coordinator skips them until this one
 * commits, then finds them rolled up), their counts are added with {@code INSERT ... ON CONFLICT DO UPDATE}, and
 * {@code rolled_up_at} is set, all committing together or not at all. The upserts MUST go in key order: two
 * coordinators adding into the same hours then lock those rows in the same order and never deadlock.
 */
@ApplicationScoped
public class UptimeRollup {

    private static final Logger LOG = Logger.getLogger(UptimeRollup.class);
    /** Batches per run, so a backlog (after downtime, or on first start) is worked off without one run unbounded. */
    private static final int MAX_BATCHES_PER_RUN = 50;

    private final EntityManager em;
    private final int batchSize;

    public UptimeRollup(EntityManager em, ParallaxConfig config) {
        this.em = em;
        this.batchSize = config.uptime().rollupBatchSize();
    }

    // Skipped while the application starts or stops: the datasource may already be gone.
    @Scheduled(every = "${parallax.uptime.rollup-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class, identity = "uptime-rollup")
    void rollUpCompleted() {
        int total = 0;
        try {
            for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
                int added = rollUpBatch(batchSize);
                total += added;
                if (added < batchSize) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            // The failed batch rolled back: its checks are still pending and the next run adds them.
            LOG.warnf("Uptime rollup failed after %d check(s), retrying next run: %s", total, e.getMessage());
        }
        if (total > 0) {
            LOG.debugf("Uptime rollup added %d completed scheduled check(s)", total);
        }
    }

    /**
     * Adds at most {@code limit} completed, not yet rolled up scheduled checks into their hours, in a transaction of
     * its own (a caller's transaction is suspended meanwhile); returns how many it added.
     */
    public int rollUpBatch(int limit) {
        return QuarkusTransaction.requiringNew().call(() -> rollUp(limit));
    }

    private int rollUp(int limit) {
        // KEY SHARE on the schedule too, before anything else: a schedule being deleted (FOR UPDATE, then SET NULL
        // on its checks) is skipped instead of deadlocking with the foreign-key check of the upserts below.
        @SuppressWarnings("unchecked")
        List<UUID> claimed = em.createNativeQuery("""
                        SELECT c.id FROM checks c JOIN schedules s ON s.id = c.schedule_id
                         WHERE c.rolled_up_at IS NULL AND c.schedule_id IS NOT NULL AND c.status = 'COMPLETE'
                         ORDER BY c.completed_at
                         LIMIT :limit
                           FOR NO KEY UPDATE OF c SKIP LOCKED
                           FOR KEY SHARE OF s SKIP LOCKED""", UUID.class)
                .setParameter("limit", limit)
                .getResultList();
        if (claimed.isEmpty()) {
            return 0;
        }
        String ids = PgArrays.textArray(claimed.stream().map(UUID::toString).toList());
        em.createNativeQuery("""
                        INSERT INTO uptime_region_hourly AS u (schedule_id, region, hour, runs, answered)
                        SELECT c.schedule_id, r.region, date_trunc('hour', c.created_at, 'UTC'),
                               count(*), count(*) FILTER (WHERE r.status = 'DONE')
                          FROM checks c JOIN region_results r ON r.check_id = c.id
                         WHERE c.id = ANY (CAST(:ids AS uuid[]))
                         GROUP BY 1, 2, 3
                         ORDER BY 1, 2, 3
                        ON CONFLICT (schedule_id, region, hour) DO UPDATE
                           SET runs = u.runs + EXCLUDED.runs, answered = u.answered + EXCLUDED.answered""")
                .setParameter("ids", ids)
                .executeUpdate();
        // Per (schedule, region, port, hour): counts by state, and the connect times of OPEN and CLOSED answers
        // (FILTERED waited for the timeout, ERROR is the prober's own failure) as min, max and a dense histogram;
        // width_bucket numbers the buckets 1..BUCKETS, as the array's elements are numbered.
        em.createNativeQuery("""
                        INSERT INTO uptime_hourly AS u (schedule_id, region, port, hour, open_probes, closed_probes,
                                                        filtered_probes, error_probes, rtt_min_micros,
                                                        rtt_max_micros, rtt_histogram)
                        WITH probes AS (
                            SELECT c.schedule_id, p.region, p.port, date_trunc('hour', c.created_at, 'UTC') AS hour,
                                   p.state, CASE WHEN p.state IN ('OPEN', 'CLOSED') THEN p.rtt_micros END AS rtt
                              FROM checks c JOIN port_results p ON p.check_id = c.id
                             WHERE c.id = ANY (CAST(:ids AS uuid[]))
                        ), buckets AS (
                            SELECT schedule_id, region, port, hour,
                                   width_bucket(greatest(rtt, 0), CAST(:bounds AS bigint[])) AS bucket, count(*) AS n
                              FROM probes
                             WHERE rtt IS NOT NULL
                             GROUP BY 1, 2, 3, 4, 5
                        ), totals AS (
                            SELECT schedule_id, region, port, hour,
                                   count(*) FILTER (WHERE state = 'OPEN') AS open_probes,
                                   count(*) FILTER (WHERE state = 'CLOSED') AS closed_probes,
                                   count(*) FILTER (WHERE state = 'FILTERED') AS filtered_probes,
                                   count(*) FILTER (WHERE state = 'ERROR') AS error_probes,
                                   min(rtt) AS rtt_min, max(rtt) AS rtt_max
                              FROM probes
                             GROUP BY 1, 2, 3, 4
                        )
                        SELECT t.schedule_id, t.region, t.port, t.hour, t.open_probes, t.closed_probes,
                               t.filtered_probes, t.error_probes, t.rtt_min, t.rtt_max,
                               array_agg(coalesce(b.n, 0) ORDER BY i.i)
                          FROM totals t
                         CROSS JOIN generate_series(1, :buckets) AS i(i)
                          LEFT JOIN buckets b ON b.schedule_id = t.schedule_id AND b.region = t.region
                                             AND b.port = t.port AND b.hour = t.hour AND b.bucket = i.i
                         GROUP BY t.schedule_id, t.region, t.port, t.hour, t.open_probes, t.closed_probes,
                                  t.filtered_probes, t.error_probes, t.rtt_min, t.rtt_max
                         ORDER BY t.schedule_id, t.region, t.port, t.hour
                        ON CONFLICT (schedule_id, region, port, hour) DO UPDATE
                           SET open_probes = u.open_probes + EXCLUDED.open_probes,
                               closed_probes = u.closed_probes + EXCLUDED.closed_probes,
                               filtered_probes = u.filtered_probes + EXCLUDED.filtered_probes,
                               error_probes = u.error_probes + EXCLUDED.error_probes,
                               rtt_min_micros = least(u.rtt_min_micros, EXCLUDED.rtt_min_micros),
                               rtt_max_micros = greatest(u.rtt_max_micros, EXCLUDED.rtt_max_micros),
                               rtt_histogram = histogram_add(u.rtt_histogram, EXCLUDED.rtt_histogram)""")
                .setParameter("ids", ids)
                .setParameter("bounds", Histogram.LOWER_BOUNDS_LITERAL)
                .setParameter("buckets", Histogram.BUCKETS)
                .executeUpdate();
        em.createNativeQuery("UPDATE checks SET rolled_up_at = now() WHERE id = ANY (CAST(:ids AS uuid[]))")
                .setParameter("ids", ids)
                .executeUpdate();
        return claimed.size();
    }

    /**
     * The connect-time histogram of {@code uptime_hourly.rtt_histogram}: {@value #BUCKETS} fixed log-linear buckets
     * of microseconds. Lower bounds 0, 1, 2 and 3, then four per power of two, 4·2^k, 5·2^k, 6·2^k and 7·2^k for
     * k = 0..23 (4, 5, 6, 7, 8, 10, 12, 14, 16, 20, ...); a bucket runs up to the next lower bound, so none is wider
     * than a quarter of its lower bound; the last starts at 7·2^23 us (58.7 s) and has no upper bound.
     */
    public static final class Histogram {

        public static final int BUCKETS = 100;
        private static final long[] LOWER_BOUNDS = new long[BUCKETS];
        /** The lower bounds as a PostgreSQL array literal, for {@code width_bucket(rtt, CAST(:bounds AS bigint[]))}. */
        static final String LOWER_BOUNDS_LITERAL;

        static {
            StringBuilder literal = new StringBuilder("{");
            for (int bucket = 0; bucket < BUCKETS; bucket++) {
                LOWER_BOUNDS[bucket] = bucket < 4 ? bucket : (long) (4 + bucket % 4) << (bucket / 4 - 1);
                literal.append(bucket == 0 ? "" : ",").append(LOWER_BOUNDS[bucket]);
            }
            LOWER_BOUNDS_LITERAL = literal.append('}').toString();
        }

        private Histogram() {
        }

        /** The least connect time bucket {@code bucket} (0-based) holds, in microseconds. */
        public static long lowerBound(int bucket) {
            return LOWER_BOUNDS[bucket];
        }

        /** The first connect time past bucket {@code bucket}; {@link Long#MAX_VALUE} for the last. */
        public static long upperBound(int bucket) {
            return bucket == BUCKETS - 1 ? Long.MAX_VALUE : LOWER_BOUNDS[bucket + 1];
        }

        /** The 0-based bucket that holds {@code micros}; a negative time counts as 0. */
        public static int bucketOf(long micros) {
            if (micros < 4) {
                return (int) Math.max(micros, 0);
            }
            int power = 63 - Long.numberOfLeadingZeros(micros);
            int bucket = 4 * (power - 1) + (int) ((micros >> (power - 2)) & 3);
            return Math.min(bucket, BUCKETS - 1);
        }

        /**
         * Estimates the {@code quantile} (0..1) of the connect times counted in {@code counts} (per bucket), whose
         * least and greatest are {@code min} and {@code max}: the rank quantile·n is found in the cumulative counts
         * and interpolated linearly within its bucket (as Prometheus's {@code histogram_quantile}), the bucket first
         * narrowed to [min, max]. So the estimate never leaves the range seen, is exact when every time was the
         * same, and otherwise lies in the bucket that holds the true value (by nearest rank): off by less than the
         * bucket's width, a quarter of its lower bound (1 us below 4 us). Null without any count.
         */
        public static Double quantile(long[] counts, long min, long max, double quantile) {
            long total = 0;
            for (long count : counts) {
                total += count;
            }
            if (total == 0) {
                return null;
            }
            double rank = quantile * total;
            long below = 0;
            for (int bucket = 0; bucket < counts.length; bucket++) {
                long count = counts[bucket];
                if (count == 0) {
                    continue;
                }
                if (below + count >= rank) {
                    double low = Math.max(lowerBound(bucket), min);
                    double high = Math.min(upperBound(bucket), max);
                    return low + (high - low) * ((rank - below) / count);
                }
                below += count;
            }
            return (double) max;
        }
    }
}
