package dev.parallax.coordinator.api;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.coordinator.check.CheckStatus;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Body of the 202 answer to {@code POST /api/v1/checks}; {@code self} is where to read the results. */
@Schema(description = "The check as accepted: stored, with its jobs on their way to the regions' agents.")
public record CheckAcceptedResponse(
        @Schema(description = ApiDocumentation.CHECK_ID) UUID id,
        @Schema(description = ApiDocumentation.CHECK_STATUS) CheckStatus status,
        @Schema(description = "The target, normalised (an internationalised name as A-labels).",
                examples = "shop.example.com") String target,
        @Schema(description = ApiDocumentation.CHECK_PORTS, examples = "25,80,443") String ports,
        @Schema(description = "The regions the check was sent to: those named, or the live ones picked.",
                examples = "[\"eu-west\", \"us-east\"]") List<String> regions,
        @Schema(description = "The connect deadline of each probe, in milliseconds.", examples = "2000")
        int timeoutMs,
        @Schema(description = "Which resolved addresses are probed.") IpFamily ipFamily,
        @Schema(description = ApiDocumentation.CREATED_AT) Instant createdAt,
        @Schema(description = ApiDocumentation.DEADLINE) Instant deadline,
        @Schema(description = "Where to read the results (also the `Location` header).") String self) {
}
