package dev.parallax.agent.health;

import dev.parallax.agent.job.JobHandler;
import dev.parallax.agent.job.JobListener;
import dev.parallax.common.contract.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.SortedSet;

/**
 * Ready only while the region's consumer group has given this agent at least one partition of its jobs topic:
 * before the first assignment, during a rebalance, or when the region has more agents than partitions
 * ({@code parallax.regions.job-partitions} on the coordinator), the agent is connected but takes no jobs.
 */
@Readiness
@ApplicationScoped
public class RegionTopicReadiness implements HealthCheck {

    private final JobListener jobs;
    private final String region;
    private final String agentId;

    public RegionTopicReadiness(JobListener jobs, JobHandler handler) {
        this.jobs = jobs;
        this.region = handler.region();
        this.agentId = handler.agentId();
    }

    @Override
    public HealthCheckResponse call() {
        String topic = Topics.jobs(region);
        SortedSet<Integer> partitions = jobs.consumer().state().partitions();
        return HealthCheckResponse.named("region jobs topic assigned")
                .status(!partitions.isEmpty())
                .withData("region", region)
                .withData("agent", agentId)
                .withData("topic", topic)
                .withData("group", Topics.agentGroup(region))
                .withData("partitions", partitions.toString())
                .build();
    }
}
