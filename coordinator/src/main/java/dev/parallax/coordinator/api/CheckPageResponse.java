package dev.parallax.coordinator.api;

import dev.parallax.coordinator.check.CheckStatus;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Body of {@code GET /api/v1/checks}: newest first; {@code next} is the link to the following page, null on
 * the last one.
 */
@Schema(description = "A page of the caller's checks, newest first.")
public record CheckPageResponse(
        @Schema(description = "The checks of this page.") List<Summary> checks,
        @Schema(description = "The URL of the following page; null on the last one.") String next) {

    /** One check in a listing: what it asked and where each region stands. */
    @Schema(name = "CheckSummary", description = "One check in a listing: what it asked and where each region "
            + "stands; `self` has the rest.")
    public record Summary(
            @Schema(description = ApiDocumentation.CHECK_ID) UUID id,
            @Schema(description = ApiDocumentation.CHECK_STATUS) CheckStatus status,
            @Schema(description = "The target, normalised.", examples = "shop.example.com") String target,
            @Schema(description = ApiDocumentation.CHECK_PORTS, examples = "25,80,443") String ports,
            @Schema(description = ApiDocumentation.CREATED_AT) Instant createdAt,
            @Schema(description = "When the last region ended; null until the check is `COMPLETE`.")
            Instant completedAt,
            @Schema(description = "Each region's status (`PENDING`, `DONE`, `BLOCKED`, `UNRESOLVED`, `EXPIRED`, "
                    + "`UNAVAILABLE` or `FAILED`), by region name.",
                    examples = "{\"eu-west\": \"DONE\", \"us-east\": \"UNAVAILABLE\"}") Map<String, String> regions,
            @Schema(description = "How many ports the regions disagree on.", examples = "1") int divergentPorts,
            @Schema(description = ApiDocumentation.SELF) String self) {
    }
}
