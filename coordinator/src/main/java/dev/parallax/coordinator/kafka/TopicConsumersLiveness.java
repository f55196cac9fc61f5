package dev.parallax.coordinator.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live unless a Kafka consumer's thread ended without being told to stop: a restart brings it back. Failing polls
 * make the coordinator unready ({@link TopicConsumersHealth}), not dead: a restart would fail them the same way.
 */
@Liveness
@ApplicationScoped
public class TopicConsumersLiveness implements HealthCheck {

    private final TopicConsumers consumers;

    public TopicConsumersLiveness(TopicConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        return TopicConsumersHealth.report(consumers, TopicConsumersHealth::endedUnasked);
    }
}
