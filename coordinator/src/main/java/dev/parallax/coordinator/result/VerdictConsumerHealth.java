package dev.parallax.coordinator.result;

import dev.parallax.common.kafka.TopicConsumerHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The verdicts consumer's health ({@link TopicConsumerHealth}): its thread runs, and its polls do not keep failing. A
 * coordinator that holds no partition is still ready: with more coordinators than partitions, some hold none.
 */
@ApplicationScoped
public class VerdictConsumerHealth {

    @Produces
    @Readiness
    HealthCheck readiness(VerdictIngester verdicts) {
        return () -> TopicConsumerHealth.readiness(verdicts.consumer());
    }

    @Produces
    @Liveness
    HealthCheck liveness(VerdictIngester verdicts) {
        return () -> TopicConsumerHealth.liveness(verdicts.consumer());
    }
}
