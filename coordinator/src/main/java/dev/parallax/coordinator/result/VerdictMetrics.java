package dev.parallax.coordinator.result;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeVerdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Verdicts as Micrometer meters: received (by what became of them), per region the time from a check's
 * acceptance to that region's verdict being stored, and port verdicts by region and state. Callers MUST count a
 * stored verdict only after its transaction committed.
 */
// Created at startup, so that every series is exposed (at 0) before the first event.
@Startup
@ApplicationScoped
public class VerdictMetrics {

    private final MeterRegistry registry;

    public VerdictMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String outcome : new String[] {"stored", "ignored-terminal", "ignored-unknown", "dead-lettered"}) {
            received(outcome);
        }
    }

    private Counter received(String outcome) {
        return Counter.builder("parallax.verdicts.received")
                .description("Verdicts read from parallax.verdicts, by what became of them: stored, ignored (a repeat"
                        + " or late: ignored-terminal; no such check or region: ignored-unknown), dead-lettered")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** A verdict that did not change any row (counted at once: there is nothing to roll back). */
    void ignored(VerdictStore.Outcome outcome) {
        received(outcome == VerdictStore.Outcome.IGNORED_TERMINAL ? "ignored-terminal" : "ignored-unknown")
                .increment();
    }

    void deadLettered() {
        received("dead-lettered").increment();
    }

    /** A verdict that ended its region; {@code sinceAccepted} is from its check's acceptance to now. */
    void stored(ProbeVerdict verdict, Duration sinceAccepted) {
        Map<PortState, Integer> states = new EnumMap<>(PortState.class);
        for (PortVerdict port : verdict.ports()) {
            states.merge(port.state(), 1, Integer::sum);
        }
        received("stored").increment();
        Timer.builder("parallax.verdict.latency")
                .description("From a check's acceptance to a region's verdict stored, per region")
                .tag("region", verdict.region())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry)
                .record(sinceAccepted.isNegative() ? Duration.ZERO : sinceAccepted);
        states.forEach((state, count) -> Counter.builder("parallax.port.verdicts")
                .description("Port verdicts stored, by region and state (OPEN, CLOSED, FILTERED, ERROR)")
                .tag("region", verdict.region())
                .tag("state", state.name())
                .register(registry)
                .increment(count));
    }
}
