package dev.parallax.coordinator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An API key as the admin API shows it. {@code key} is present only in the answer to its creation: it is not
 * stored and cannot be shown again. {@code costPerHour} and {@code requestsPerSecond} are the limits in force.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKeyResponse(UUID id, String key, String keyPrefix, String name, String owner, List<String> scopes,
                             int costPerHour, int requestsPerSecond, Instant createdAt, Instant revokedAt,
                             String self) {
}
