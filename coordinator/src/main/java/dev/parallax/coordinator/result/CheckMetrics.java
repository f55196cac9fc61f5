package dev.parallax.coordinator.result;

import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.database.AfterCommit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * The life of checks as Micrometer meters: accepted (by source), completed (by outcome) with the end-to-end
 * latency from acceptance to the last region's end, and regions ended by status. Callers MUST count only after
 * their transaction committed ({@link AfterCommit}), so that a rolled-back one counts nothing.
 */
// Created at startup, so that every series is exposed (at 0) before the first event.
@Startup
@ApplicationScoped
public class CheckMetrics {

    /** How a completed check ended: every region DONE, or at least one region ended otherwise. */
    public enum Outcome {
        DONE("done"), PARTIAL("partial");

        final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final Counter acceptedFromApi;
    private final Counter acceptedFromSchedules;

    public CheckMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.acceptedFromApi = accepted("api");
        this.acceptedFromSchedules = accepted("schedule");
        for (Outcome outcome : Outcome.values()) {
            completedCounter(outcome);
            latency(outcome);
        }
    }

    private Counter accepted(String source) {
        return Counter.builder("parallax.checks.accepted")
                .description("Checks accepted, by source: the API or a schedule's run")
                .tag("source", source)
                .register(registry);
    }

    private Counter completedCounter(Outcome outcome) {
        return Counter.builder("parallax.checks.completed")
                .description("Checks completed: every region ended; outcome done = every region DONE")
                .tag("outcome", outcome.tag)
                .register(registry);
    }

    private Timer latency(Outcome outcome) {
        // A histogram, so that p50/p99 can be computed across replicas with histogram_quantile().
        return Timer.builder("parallax.check.latency")
                .description("From a check's acceptance to its last region's end (submit to all regions terminal)")
                .tag("outcome", outcome.tag)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    public void accepted(boolean scheduled, int checks) {
        (scheduled ? acceptedFromSchedules : acceptedFromApi).increment(checks);
    }

    public void completed(Outcome outcome, Duration latency) {
        completedCounter(outcome).increment();
        latency(outcome).record(latency.isNegative() ? Duration.ZERO : latency);
    }

    public void regionEnded(String region, RegionStatus status) {
        Counter.builder("parallax.regions.ended")
                .description("Regions of checks that ended, by region and status (DONE, UNAVAILABLE, BLOCKED, ...)")
                .tag("region", region)
                .tag("status", status.name())
                .register(registry)
                .increment();
    }
}
