package dev.parallax.coordinator.api;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.check.CheckStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.UUID;

/** Body of {@code GET /api/v1/checks/{id}}: the check, each region's answer, and how the regions compare. */
public record CheckResponse(UUID id, CheckStatus status, String target, String ports, int timeoutMs,
                            IpFamily ipFamily, Instant createdAt, Instant deadline, Instant completedAt,
                            List<Region> regions, Comparison comparison) {

    /** One region's answer. */
    public record Region(String region, RegionStatus status, String agentId, String message,
                         List<String> resolvedAddresses, Long resolveMicros, Instant startedAt, Instant finishedAt,
                         List<Port> ports) {
    }

    /** One (address, port) as one region saw it. */
    public record Port(String address, int port, PortState state, String reason, long rttMicros, String message) {
    }

    /**
     * Per port: {@code consistent} or {@code divergent}, and which regions saw which state; {@code summary}
     * says it in one line, e.g. "443 open from eu-west, us-east; filtered from ap-south".
     */
    public record Comparison(String summary, List<Integer> divergentPorts, List<String> answered,
                             List<String> unanswered, List<PortComparison> ports) {
    }

    /** One port across regions. */
    public record PortComparison(int port, String verdict, Map<PortState, SortedSet<String>> states) {
    }
}
