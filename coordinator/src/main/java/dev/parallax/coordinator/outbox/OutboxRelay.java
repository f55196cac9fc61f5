package dev.parallax.coordinator.outbox;

import dev.parallax.coordinator.config.ParallaxConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Moves outbox rows to Kafka. Woken right after every commit that appended rows, so a check's jobs leave
 * within milliseconds of its 202; a periodic sweep is the safety net for a wake-up that was missed (a
 * crash between commit and wake-up, a failure on another replica, Kafka down for a while).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);

    private final OutboxPublisher publisher;
    private final ParallaxConfig.Outbox config;
    // Permits are wake-up calls; one is enough however many commits happened since the last drain.
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private Thread worker;

    public OutboxRelay(OutboxPublisher publisher, ParallaxConfig config) {
        this.publisher = publisher;
        this.config = config.outbox();
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        worker = Thread.ofPlatform().name("outbox-relay").daemon().start(this::run);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (worker != null) {
            worker.interrupt();
            worker.join(Duration.ofSeconds(10));
        }
    }

    /** Observed after commit only: waking the relay before the rows are visible would find nothing. */
    void onAppended(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Appended appended) {
        wake();
    }

    public void wake() {
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    private void run() {
        Duration backoff = Duration.ZERO;
        while (running) {
            try {
                if (backoff.isZero()) {
                    wakeUps.tryAcquire(config.sweepInterval().toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    Thread.sleep(backoff);
                }
                wakeUps.drainPermits();
                backoff = drain() ? Duration.ZERO : nextBackoff(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                backoff = nextBackoff(backoff);
                LOG.warnf("Outbox relay failed, retrying in %d ms: %s", backoff.toMillis(), e.getMessage());
            }
        }
    }

    /** Publishes until nothing is left; false when a record was refused, so the caller backs off. */
    private boolean drain() {
        while (running) {
            OutboxPublisher.BatchResult result = publisher.publishBatch();
            if (result.failed() > 0) {
                return false;
            }
            if (result.claimed() < config.batchSize()) {
                return true;
            }
        }
        return true;
    }

    private Duration nextBackoff(Duration current) {
        Duration doubled = current.isZero() ? MIN_BACKOFF : current.multipliedBy(2);
        return doubled.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : doubled;
    }
}
