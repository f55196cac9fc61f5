package dev.parallax.common.kafka;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import java.util.function.Predicate;

/**
 * The health of the app's {@link TopicConsumer}s, as its readiness and liveness checks report it. Live unless a
 * consumer's thread ended without being told to stop: a restart brings it back. Ready once started, unless that, or
 * {@value #POLL_FAILURES_NOT_READY} polls failed in a row: polls fail for what retrying does not cure by itself (a
 * refused authorization, an offset out of range), while a broker that is merely away makes them return nothing.
 * Whether the broker answers is the Kafka client's own readiness check.
 */
public final class TopicConsumerHealth {

    static final int POLL_FAILURES_NOT_READY = 3;
    public static final String NAME = "kafka consumers";

    private TopicConsumerHealth() {
    }

    public static HealthCheckResponse readiness(TopicConsumer... consumers) {
        return report(state -> !state.started() || endedUnasked(state)
                || !state.stopped() && state.pollFailures() >= POLL_FAILURES_NOT_READY, consumers);
    }

    public static HealthCheckResponse liveness(TopicConsumer... consumers) {
        return report(TopicConsumerHealth::endedUnasked, consumers);
    }

    private static boolean endedUnasked(TopicConsumer.State state) {
        return state.started() && !state.running() && !state.stopped();
    }

    /** Every consumer's state as data; DOWN if any is {@code down}. */
    private static HealthCheckResponse report(Predicate<TopicConsumer.State> down, TopicConsumer... consumers) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        for (TopicConsumer consumer : consumers) {
            TopicConsumer.State state = consumer.state();
            if (down.test(state)) {
                response.down();
            }
            String status = state.stopped() ? "stopped" : state.running() ? "reading"
                    : state.started() ? "ended unexpectedly" : "not started";
            response.withData(state.name(), "%s %s, group %s, partitions %s, last poll %d ms ago, %d failed".formatted(
                    status, state.topic(), state.group(), state.partitions(), state.sinceLastPoll().toMillis(),
                    state.pollFailures()));
        }
        return response.build();
    }
}
