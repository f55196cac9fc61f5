package dev.parallax.coordinator.alert;

import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.worker.PollingWorker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Evaluates completed runs of schedules every {@code parallax.alerts.poll-interval} on a thread of its own, on
 * every coordinator ({@link RunEvaluator} settles who takes which run); nothing evaluated is lost on failure,
 * the same runs are taken again.
 */
@ApplicationScoped
public class AlertClock {

    private static final Logger LOG = Logger.getLogger(AlertClock.class);
    private static final int BATCH = 100;

    private final PollingWorker worker;

    public AlertClock(RunEvaluator evaluator, ParallaxConfig config) {
        this.worker = new PollingWorker("alert-evaluator", config.alerts().pollInterval(), Duration.ofSeconds(1),
                LOG, () -> evaluator.evaluateBatch(BATCH) == BATCH);
    }

    void start(@Observes StartupEvent startup) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        worker.stop();
    }
}
