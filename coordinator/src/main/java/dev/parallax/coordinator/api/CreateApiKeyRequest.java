package dev.parallax.coordinator.api;

import java.util.List;

/**
 * {@code POST /api/v1/admin/keys}. {@code costPerHour} and {@code requestsPerSecond} are optional: without them
 * the key gets the configured defaults ({@code parallax.quotas.*}).
 */
public record CreateApiKeyRequest(String name, String owner, List<String> scopes, Integer costPerHour,
                                  Integer requestsPerSecond) {
}
