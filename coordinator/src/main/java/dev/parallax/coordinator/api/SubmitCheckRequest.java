package dev.parallax.coordinator.api;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Body of {@code POST /api/v1/checks}. */
@Schema(description = "A check to run once: which target, which ports, from which regions. Any other field is "
        + "refused.")
public record SubmitCheckRequest(
        @Schema(required = true, description = ApiDocumentation.TARGET, examples = "shop.example.com")
        String target,
        @Schema(required = true, description = ApiDocumentation.PORTS, examples = "[22, 443, \"8000-8010\"]")
        List<Object> ports,
        @Schema(description = ApiDocumentation.REGIONS, oneOf = {String[].class, String.class},
                examples = "[\"eu-west\", \"us-east\"]")
        Object regions,
        @Schema(description = ApiDocumentation.LIMIT, minimum = "1", examples = "2")
        Integer limit,
        @Schema(description = ApiDocumentation.TIMEOUT_MS, minimum = "100", maximum = "10000", examples = "2000")
        Integer timeoutMs,
        @Schema(description = ApiDocumentation.IP_FAMILY, type = SchemaType.STRING,
                enumeration = {"any", "ipv4", "ipv6"}, defaultValue = "any")
        String ipFamily) {

    /** The fields a caller may send; named in the error for a misspelt one. */
    public static final List<String> FIELDS = List.of("target", "ports", "regions", "limit", "timeoutMs",
            "ipFamily");
}
