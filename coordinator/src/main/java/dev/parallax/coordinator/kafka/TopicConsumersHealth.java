package dev.parallax.coordinator.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Live and ready unless the thread of a Kafka consumer (the verdicts', the heartbeats') ended without being told to
 * stop. A consumer that holds no partition is still up: with more coordinators than partitions, some hold none.
 * Whether the broker answers is the Kafka client's own readiness check; whether PostgreSQL does, the datasource's.
 */
@Liveness
@Readiness
@ApplicationScoped
public class TopicConsumersHealth implements HealthCheck {

    private final TopicConsumers consumers;

    public TopicConsumersHealth(TopicConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kafka consumers").up();
        for (TopicConsumer.State state : consumers.states()) {
            if (!state.running() && !state.stopped()) {
                response.down();
            }
            String status = state.stopped() ? "stopped" : state.running() ? "reading" : "ended unexpectedly";
            response.withData(state.name(), "%s %s, group %s, partitions %s, last poll %d ms ago".formatted(
                    status, state.topic(), state.group(), state.partitions(), state.sinceLastPoll().toMillis()));
        }
        return response.build();
    }
}
