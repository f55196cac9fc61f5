package dev.parallax.coordinator.schedule;

import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.worker.PollingWorker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Looks for due schedules every {@code parallax.schedules.poll-interval} on every coordinator; which one fires a
 * schedule is settled in PostgreSQL ({@link ScheduleFirer}), so this only sets the pace: a run fires at most one
 * poll interval plus the firing itself late. When the database fails nothing fires; the schedules stay due.
 */
@ApplicationScoped
public class ScheduleClock {

    private static final Logger LOG = Logger.getLogger(ScheduleClock.class);

    private final PollingWorker worker;

    public ScheduleClock(ScheduleFirer firer, ParallaxConfig config) {
        int batchSize = config.schedules().batchSize();
        this.worker = new PollingWorker("schedule-clock", config.schedules().pollInterval(), Duration.ofSeconds(1),
                LOG, () -> firer.fireDue(batchSize) == batchSize);
    }

    void start(@Observes StartupEvent startup) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        worker.stop();
    }
}
