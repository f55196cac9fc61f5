package dev.parallax.coordinator.api;

import dev.parallax.coordinator.check.CheckStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Body of {@code GET /api/v1/checks}: newest first; {@code next} is the link to the following page, null on
 * the last one.
 */
public record CheckPageResponse(List<Summary> checks, String next) {

    /** One check in a listing: what it asked and where each region stands. */
    public record Summary(UUID id, CheckStatus status, String target, String ports, Instant createdAt,
                          Instant completedAt, Map<String, String> regions, int divergentPorts, String self) {
    }
}
