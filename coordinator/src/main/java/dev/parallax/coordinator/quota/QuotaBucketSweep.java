package dev.parallax.coordinator.quota;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Deletes the buckets no one has taken from for an hour. By then each is full again (a cost bucket refills its whole
 * budget in an hour, a request bucket in two seconds), and a full bucket and no bucket are the same to take from
 * ({@link QuotaBuckets}). Without this, every client address an anonymous caller ever used would keep a row.
 */
@ApplicationScoped
public class QuotaBucketSweep {

    static final Duration IDLE = Duration.ofHours(1);
    private static final Logger LOG = Logger.getLogger(QuotaBucketSweep.class);

    private final EntityManager em;

    public QuotaBucketSweep(EntityManager em) {
        this.em = em;
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweepNow() {
        sweep();
    }

    /** Deletes the idle buckets; returns how many. Every coordinator may run it at once: a row goes once. */
    @Transactional
    public int sweep() {
        int deleted = em.createNativeQuery("""
                        DELETE FROM quota_buckets
                         WHERE refilled_at < clock_timestamp() - make_interval(secs => :idleSeconds)""")
                .setParameter("idleSeconds", IDLE.toSeconds())
                .executeUpdate();
        if (deleted > 0) {
            LOG.debugf("Deleted %d quota bucket(s) idle for %s", deleted, IDLE);
        }
        return deleted;
    }
}
