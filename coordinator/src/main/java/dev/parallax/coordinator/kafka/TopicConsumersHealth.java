package dev.parallax.coordinator.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.function.Predicate;

/**
 * Ready unless a Kafka consumer (the verdicts', the heartbeats') has ended without being told to stop, or has failed
 * {@value #POLL_FAILURES_NOT_READY} polls in a row: polls fail for what retrying does not cure by itself (a refused
 * authorization, an offset out of range), while a broker that is merely away makes them return nothing. A consumer
 * that holds no partition is still ready: with more coordinators than partitions, some hold none. Whether the broker
 * answers is the Kafka client's own readiness check; whether PostgreSQL does, the datasource's.
 * {@link TopicConsumersLiveness} is the liveness side.
 */
@Readiness
@ApplicationScoped
public class TopicConsumersHealth implements HealthCheck {

    static final int POLL_FAILURES_NOT_READY = 3;
    static final String NAME = "kafka consumers";

    private final TopicConsumers consumers;

    public TopicConsumersHealth(TopicConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        return report(consumers, state -> endedUnasked(state)
                || !state.stopped() && state.pollFailures() >= POLL_FAILURES_NOT_READY);
    }

    static boolean endedUnasked(TopicConsumer.State state) {
        return !state.running() && !state.stopped();
    }

    /** Every consumer's state as data; DOWN if any is {@code down}. */
    static HealthCheckResponse report(TopicConsumers consumers, Predicate<TopicConsumer.State> down) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        for (TopicConsumer.State state : consumers.states()) {
            if (down.test(state)) {
                response.down();
            }
            String status = state.stopped() ? "stopped" : state.running() ? "reading" : "ended unexpectedly";
            response.withData(state.name(), "%s %s, group %s, partitions %s, last poll %d ms ago, %d failed".formatted(
                    status, state.topic(), state.group(), state.partitions(), state.sinceLastPoll().toMillis(),
                    state.pollFailures()));
        }
        return response.build();
    }
}
