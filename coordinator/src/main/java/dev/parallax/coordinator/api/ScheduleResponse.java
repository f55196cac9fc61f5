package dev.parallax.coordinator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;

import java.time.Instant;
import java.util.UUID;

/**
 * A schedule as the API shows it.
 *
 * @param regions  the regions named, or {@code "all"}: every region with a live agent at each run
 * @param every    the interval in ISO-8601, or null for a cron schedule
 * @param nextRunAt when it is due next (while not paused)
 */
public record ScheduleResponse(UUID id, boolean paused, String target, String ports, Object regions, Integer limit,
                               int timeoutMs, IpFamily ipFamily, String every, String cron, PortState expect,
                               Alert alert, Instant nextRunAt, Instant lastRunAt, Instant createdAt,
                               Instant updatedAt, String self, String history, String uptime, String events) {

    /**
     * How the schedule alerts. {@code secret} signs the webhook's bodies ({@code X-Parallax-Signature}); it is in
     * the answer to the POST that created the schedule, and never again.
     */
    public record Alert(String webhook, int quorum, int consecutive,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {
    }
}
