package dev.parallax.coordinator.worker;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A platform thread that does a round of work every {@code interval}: the schedule clock, the alert evaluator, the
 * webhook dispatcher. A round that says there is more (it filled a batch) is repeated at once, a bounded number
 * of times; a round that throws is logged and retried after {@code afterFailure}.
 *
 * <p>A thread of its own rather than {@code @Scheduled}: quarkus-scheduler's in-memory scheduler checks its
 * triggers once a second, so a 250 ms interval would fire up to a second late (docs/benchmarks.md, "Scheduler
 * lateness benchmark").
 */
public final class PollingWorker {

    private static final int MAX_ROUNDS_PER_TICK = 20;

    private final String name;
    private final Duration interval;
    private final Duration afterFailure;
    private final Logger log;
    private final BooleanSupplier round;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param round one batch of work; returns true when there may be more right away. MUST NOT block for long:
     *              {@link #stop()} waits for the current round.
     */
    public PollingWorker(String name, Duration interval, Duration afterFailure, Logger log, BooleanSupplier round) {
        this.name = name;
        this.interval = interval;
        this.afterFailure = afterFailure;
        this.log = log;
        this.round = round;
    }

    public synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    public synchronized void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(Duration.ofSeconds(10));
        }
    }

    private void run() {
        while (running) {
            Duration pause = interval;
            try {
                for (int rounds = 0; rounds < MAX_ROUNDS_PER_TICK && running && round.getAsBoolean(); rounds++) {
                    // A full batch: go on at once.
                }
            } catch (RuntimeException e) {
                log.warnf("%s failed, retrying in %d ms: %s", name, afterFailure.toMillis(), e.getMessage());
                pause = afterFailure;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
