package dev.parallax.agent.health;

import dev.parallax.agent.job.JobListener;
import dev.parallax.common.kafka.TopicConsumerHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** The jobs consumer's health ({@link TopicConsumerHealth}): its thread runs, and its polls do not keep failing. */
@ApplicationScoped
public class JobConsumerHealth {

    @Produces
    @Readiness
    HealthCheck readiness(JobListener jobs) {
        return () -> TopicConsumerHealth.readiness(jobs.consumer());
    }

    @Produces
    @Liveness
    HealthCheck liveness(JobListener jobs) {
        return () -> TopicConsumerHealth.liveness(jobs.consumer());
    }
}
