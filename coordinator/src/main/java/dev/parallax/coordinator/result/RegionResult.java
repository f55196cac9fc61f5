package dev.parallax.coordinator.result;

import dev.parallax.common.contract.RegionStatus;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where one (check, region) stands: a row of {@code region_results}. Written PENDING with the check (or UNAVAILABLE
 * at once when the region has no live agent), then changed exactly once: by the first verdict ({@link VerdictStore})
 * or by the deadline ({@link DeadlineSweeper}). Read back through {@link RegionResults}.
 */
public record RegionResult(UUID checkId, String region, RegionStatus status, String agentId, String message,
                           List<String> resolvedAddresses, Long resolveMicros, UUID verdictId, Instant startedAt,
                           Instant finishedAt, Instant updatedAt) {

    /** The reason a region ends UNAVAILABLE when no agent of it is live. */
    public static final String NO_LIVE_AGENT = "no-live-agent";

    public RegionResult {
        resolvedAddresses = resolvedAddresses == null ? List.of() : List.copyOf(resolvedAddresses);
    }

    /** A region of a check just accepted, waiting for its verdict. */
    public static RegionResult pending(UUID checkId, String region, Instant now) {
        return new RegionResult(checkId, region, RegionStatus.PENDING, null, null, List.of(), null, null, null, null,
                now);
    }

    /** A region of a check just accepted that ends at once, UNAVAILABLE, and why. */
    public static RegionResult unavailable(UUID checkId, String region, String message, Instant now) {
        return new RegionResult(checkId, region, RegionStatus.UNAVAILABLE, null, message, List.of(), null, null, null,
                now, now);
    }
}
