package dev.parallax.coordinator.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * {@code POST /api/v1/admin/keys}. {@code costPerHour} and {@code requestsPerSecond} are optional: without them
 * the key gets the configured defaults ({@code parallax.quotas.*}).
 */
@Schema(description = "A key to issue. Any other field is refused.")
public record CreateApiKeyRequest(
        @Schema(required = true, description = "What the key is for: 1 to 100 characters.", maxLength = 100,
                examples = "ci") String name,
        @Schema(required = true, description = "Who the checks and schedules created with the key belong to: 1 to "
                + "100 letters, digits or `. _ @ -`, starting with a letter or digit; not `anonymous`. Keys of one "
                + "owner see the same checks and schedules.", pattern = "[A-Za-z0-9][A-Za-z0-9._@-]{0,99}",
                examples = "team-a") String owner,
        @Schema(required = true, description = "At least one of `checks:write`, `checks:read`, `schedules:write`, "
                + "`admin`.", minItems = 1, examples = "[\"checks:write\", \"checks:read\"]") List<String> scopes,
        @Schema(description = "The check cost (ports x regions) the key may spend an hour, 1 to 100,000,000; "
                + "`parallax.quotas.cost-per-hour` (10,000) when absent.", minimum = "1", maximum = "100000000",
                examples = "5000") Integer costPerHour,
        @Schema(description = "The requests a second the key may make, 1 to 100,000; "
                + "`parallax.quotas.requests-per-second` (20) when absent.", minimum = "1", maximum = "100000",
                examples = "20") Integer requestsPerSecond) {
}
