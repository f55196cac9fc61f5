package dev.parallax.coordinator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An API key as the admin API shows it. {@code key} is present only in the answer to its creation: it is not
 * stored and cannot be shown again. {@code costPerHour} and {@code requestsPerSecond} are the limits in force.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "An API key, without the key itself except in the answer to its creation.")
public record ApiKeyResponse(
        @Schema(description = "The key's id: what revoking names.") UUID id,
        @Schema(description = "The key itself, `pxk_` and 256 random bits: only in the answer to its creation, "
                + "since only its SHA-256 is stored.", examples = "pxk_yDJoHrNnEpwjGEBgIysRIf-_jfvk5fahff2R211FEOU")
        String key,
        @Schema(description = "The key's first characters (at most a quarter of it), to tell keys apart.",
                examples = "pxk_yDJoHrN") String keyPrefix,
        @Schema(description = "What the key is for.", examples = "ci") String name,
        @Schema(description = "Who the checks and schedules created with it belong to.", examples = "team-a")
        String owner,
        @Schema(description = "What it may do: `checks:write`, `checks:read`, `schedules:write`, `admin`.",
                examples = "[\"checks:write\", \"checks:read\"]") List<String> scopes,
        @Schema(description = "The check cost (ports x regions) it may spend an hour: its own, or "
                + "`parallax.quotas.cost-per-hour`.", examples = "5000") int costPerHour,
        @Schema(description = "The requests a second it may make (with a burst of two seconds' worth): its own, "
                + "or `parallax.quotas.requests-per-second`.", examples = "20") int requestsPerSecond,
        @Schema(description = "When it was issued.") Instant createdAt,
        @Schema(description = "When it was revoked; absent while it is valid.") Instant revokedAt,
        @Schema(description = ApiDocumentation.SELF) String self) {
}
