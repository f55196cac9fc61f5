package dev.parallax.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One region's answer to one {@link ProbeJob}, published to {@link Topics#VERDICTS} keyed by check id.
 * Delivery is at least once: {@code verdictId} lets a consumer recognise a repeat.
 *
 * @param verdictId         unique per verdict an agent produces
 * @param checkId           the check answered
 * @param region            the region that answered
 * @param agentId           the agent that answered
 * @param status            DONE, or why there are no port verdicts (BLOCKED, UNRESOLVED, EXPIRED, FAILED)
 * @param message           the resolver's answer, the policy's refusal or the failure; null when DONE
 * @param resolvedAddresses the addresses DNS gave the agent (after the ipFamily filter)
 * @param resolveMicros     how long resolution took
 * @param ports             one verdict per (resolved address, port) when DONE, otherwise empty
 * @param startedAt         when the agent started the job
 * @param finishedAt        when the agent finished it
 */
public record ProbeVerdict(
        UUID verdictId,
        UUID checkId,
        String region,
        String agentId,
        RegionStatus status,
        String message,
        List<String> resolvedAddresses,
        long resolveMicros,
        List<PortVerdict> ports,
        Instant startedAt,
        Instant finishedAt) {

    public ProbeVerdict {
        Objects.requireNonNull(verdictId, "verdictId");
        Objects.requireNonNull(checkId, "checkId");
        Topics.requireRegionName(region);
        if (agentId == null || agentId.isBlank()) {
            throw new IllegalArgumentException("agentId must not be blank");
        }
        Objects.requireNonNull(status, "status");
        if (status == RegionStatus.PENDING || status == RegionStatus.UNAVAILABLE) {
            throw new IllegalArgumentException("an agent cannot report " + status + "; only the coordinator decides it");
        }
        resolvedAddresses = resolvedAddresses == null ? List.of() : List.copyOf(resolvedAddresses);
        ports = ports == null ? List.of() : List.copyOf(ports);
        if (status != RegionStatus.DONE && !ports.isEmpty()) {
            throw new IllegalArgumentException("a " + status + " verdict carries no port verdicts");
        }
        if (resolveMicros < 0) {
            throw new IllegalArgumentException("resolveMicros must not be negative");
        }
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }
}
