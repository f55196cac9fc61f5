package dev.parallax.agent.job;

import dev.parallax.agent.probe.ConnectProber;
import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeVerdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's work as Micrometer meters: jobs answered by status, probes by port state (their rate is probes per
 * second), how long jobs take, and what runs now (jobs in progress, sockets connecting). Every meter also
 * carries the agent's region and id (common tags, see {@link AgentComponents}).
 */
// Created at startup, so that every series is exposed (at 0) before the first event.
@Startup
@ApplicationScoped
public class JobMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger jobsInProgress = new AtomicInteger();
    private final Timer jobDuration;

    public JobMetrics(MeterRegistry registry, ConnectProber prober) {
        this.registry = registry;
        Gauge.builder("parallax.agent.jobs.in.progress", jobsInProgress, AtomicInteger::get)
                .description("Jobs this agent is resolving, probing or publishing now")
                .register(registry);
        Gauge.builder("parallax.agent.probes.in.flight", prober, ConnectProber::inFlight)
                .description("Sockets connecting now (at most parallax.agent.max-in-flight)")
                .register(registry);
        jobDuration = Timer.builder("parallax.agent.job.duration")
                .description("From a job's start on this agent to its verdict (resolution and probes)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        for (PortState state : PortState.values()) {
            probes(state);
        }
    }

    private Counter probes(PortState state) {
        return Counter.builder("parallax.agent.probes")
                .description("Probes finished, by port state; rate() of it is probes per second")
                .tag("state", state.name())
                .register(registry);
    }

    void started() {
        jobsInProgress.incrementAndGet();
    }

    void ended() {
        jobsInProgress.decrementAndGet();
    }

    /** A verdict Kafka acknowledged. */
    void published(ProbeVerdict verdict) {
        Counter.builder("parallax.agent.jobs")
                .description("Jobs answered with a verdict Kafka acknowledged, by region status")
                .tag("status", verdict.status().name())
                .register(registry)
                .increment();
        jobDuration.record(Duration.between(verdict.startedAt(), verdict.finishedAt()));
        Map<PortState, Integer> states = new EnumMap<>(PortState.class);
        for (PortVerdict port : verdict.ports()) {
            states.merge(port.state(), 1, Integer::sum);
        }
        states.forEach((state, count) -> probes(state).increment(count));
    }
}
