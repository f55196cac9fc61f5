package dev.parallax.coordinator.api;

import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The query of {@code GET /api/v1/checks}. Each field is named as its parameter: a problem names a bad one by it.
 */
public class CheckListingQuery {

    @Parameter(description = "How many checks a page holds.", schema = @Schema(type = SchemaType.INTEGER,
            minimum = "1", maximum = "" + CheckResource.MAX_LIMIT, defaultValue = "" + CheckResource.DEFAULT_LIMIT))
    @QueryParam("limit")
    @DefaultValue("" + CheckResource.DEFAULT_LIMIT)
    @Limit(max = CheckResource.MAX_LIMIT)
    String limit;

    @Parameter(description = "Only checks older than this: a check id (the `next` link carries the last one of the "
            + "page) or an ISO-8601 instant.", example = "2026-11-26T06:00:00Z",
            schema = @Schema(type = SchemaType.STRING))
    @QueryParam("before")
    @IsoInstant(orCheckId = true)
    String before;

    @Parameter(description = "`true`: only checks whose regions disagree on at least one port.",
            schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
    @QueryParam("divergent")
    @DefaultValue("false")
    @Pattern(regexp = "true|false", message = "must be true or false")
    String divergent;

    int limit() {
        return Integer.parseInt(limit);
    }

    boolean divergentOnly() {
        return Boolean.parseBoolean(divergent);
    }

    /** The cursor when it is a check id. */
    Optional<UUID> beforeCheck() {
        return IsoInstantValidator.checkId(before);
    }

    /** The cursor when it is an instant; null when there is none or it is a check id. */
    Instant beforeTime() {
        return beforeCheck().isPresent() ? null : IsoInstantValidator.instant(before);
    }
}
