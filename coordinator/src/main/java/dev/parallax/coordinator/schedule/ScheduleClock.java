package dev.parallax.coordinator.schedule;

import dev.parallax.coordinator.config.ParallaxConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Looks for due schedules every {@code parallax.schedules.poll-interval} on every coordinator; which one fires
 * a schedule is settled in PostgreSQL ({@link ScheduleFirer}), so this only sets the pace.
 *
 * <p>A thread of its own rather than {@code @Scheduled}: quarkus-scheduler's in-memory scheduler checks its
 * triggers once a second, which made runs fire up to a second late (measured: p50 478 ms, p99 991 ms with a
 * 250 ms interval); here the lateness is at most one poll interval plus the firing itself.
 */
@ApplicationScoped
public class ScheduleClock {

    private static final Logger LOG = Logger.getLogger(ScheduleClock.class);
    /** Batches per tick, so a backlog is worked off without one tick running unbounded. */
    private static final int MAX_BATCHES_PER_TICK = 20;
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private final ScheduleFirer firer;
    private final int batchSize;
    private final Duration pollInterval;
    private volatile boolean running;
    private Thread worker;

    public ScheduleClock(ScheduleFirer firer, ParallaxConfig config) {
        this.firer = firer;
        this.batchSize = config.schedules().batchSize();
        this.pollInterval = config.schedules().pollInterval();
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        worker = Thread.ofPlatform().name("schedule-clock").daemon().start(this::run);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (worker != null) {
            worker.interrupt();
            worker.join(Duration.ofSeconds(10));
        }
    }

    private void run() {
        while (running) {
            Duration pause = pollInterval;
            try {
                tick();
            } catch (RuntimeException e) {
                // The database failed; nothing fired, the schedules stay due and the next tick tries again.
                LOG.warnf("Firing due schedules failed, retrying in %d ms: %s", AFTER_FAILURE.toMillis(),
                        e.getMessage());
                pause = AFTER_FAILURE;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void tick() {
        for (int batch = 0; batch < MAX_BATCHES_PER_TICK && running; batch++) {
            if (firer.fireDue(batchSize) < batchSize) {
                return;
            }
        }
    }
}
