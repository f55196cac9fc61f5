package dev.parallax.coordinator.outbox;

import dev.parallax.coordinator.config.ParallaxConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Moves outbox rows to Kafka. Woken right after every commit that appended rows, so a check's jobs leave
 * within milliseconds of its 202; otherwise it sleeps until the earliest row's retry is due, at most one
 * sweep interval, which also catches what a wake-up missed (a crash between commit and wake-up, rows
 * written by another replica).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);
    // Rows another replica holds locked look due until it finishes: never spin on them.
    private static final Duration MIN_PAUSE = Duration.ofMillis(100);

    private final OutboxPublisher publisher;
    private final JobBacklog backlog;
    private final ParallaxConfig.Outbox config;
    // Permits are wake-up calls; one is enough however many commits happened since the last drain.
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private Thread worker;

    public OutboxRelay(OutboxPublisher publisher, JobBacklog backlog, ParallaxConfig config) {
        this.publisher = publisher;
        this.backlog = backlog;
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
        Duration pause = Duration.ZERO;
        while (running) {
            try {
                boolean woken = wakeUps.tryAcquire(pause.toMillis(), TimeUnit.MILLISECONDS);
                wakeUps.drainPermits();
                if (woken && config.publishDelayAfterCommit().isPresent()) {
                    Thread.sleep(config.publishDelayAfterCommit().get());
                }
                drain();
                pause = untilNextDue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    // Stopping: a send cut short by the producer's close, or an interrupted one. The rows' transaction
                    // rolled back and they stay unsent, for whichever relay runs next.
                    return;
                }
                // The database failed, or the round's transaction did; the rows stay as they were. Try again shortly.
                pause = AFTER_FAILURE;
                backlog.onRelayFailure();
                LOG.warnf("Outbox relay failed, retrying in %d ms: %s", pause.toMillis(), e.getMessage());
            }
        }
    }

    /** Publishes every due row; rows that fail are rescheduled by the publisher, so this always ends. */
    private void drain() {
        while (running) {
            OutboxPublisher.BatchResult result = publisher.publishBatch();
            backlog.onBatch(result);
            if (result.claimed() < config.batchSize()) {
                return;
            }
        }
    }

    private Duration untilNextDue() {
        Duration sweep = config.sweepInterval();
        return publisher.nextDue()
                .map(due -> Duration.between(Instant.now(), due))
                .map(wait -> wait.compareTo(MIN_PAUSE) < 0 ? MIN_PAUSE : wait)
                .filter(wait -> wait.compareTo(sweep) < 0)
                .orElse(sweep);
    }
}
