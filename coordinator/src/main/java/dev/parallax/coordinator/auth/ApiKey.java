package dev.parallax.coordinator.auth;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A stored API key: its SHA-256, never the key itself. A row of {@code api_keys}, written and read only by
 * {@link ApiKeyService}.
 *
 * @param keyHash           hex SHA-256 of the whole key
 * @param keyPrefix         the first characters of the key, to tell keys apart in lists
 * @param scopes            wire names of the scopes, e.g. {@code checks:write}
 * @param costPerHour       null: the configured default
 * @param requestsPerSecond null: the configured default
 * @param revokedAt         null while the key is usable
 */
public record ApiKey(UUID id, String keyHash, String keyPrefix, String name, String owner, List<String> scopes,
                     Integer costPerHour, Integer requestsPerSecond, Instant createdAt, Instant revokedAt) {

    public ApiKey {
        scopes = List.copyOf(scopes);
    }
}
