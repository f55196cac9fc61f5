package dev.parallax.agent.health;

import dev.parallax.agent.job.JobAssignment;
import dev.parallax.agent.job.JobHandler;
import dev.parallax.common.contract.Topics;
import io.smallrye.common.annotation.Identifier;
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

    private final JobAssignment assignment;
    private final String region;
    private final String agentId;

    public RegionTopicReadiness(@Identifier(JobAssignment.NAME) JobAssignment assignment, JobHandler handler) {
        this.assignment = assignment;
        this.region = handler.region();
        this.agentId = handler.agentId();
    }

    @Override
    public HealthCheckResponse call() {
        String topic = Topics.jobs(region);
        SortedSet<Integer> partitions = assignment.partitionsOf(topic);
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
