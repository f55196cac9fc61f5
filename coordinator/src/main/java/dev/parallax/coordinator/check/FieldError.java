package dev.parallax.coordinator.check;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One thing wrong with one request field, said so the caller knows what to change. */
@Schema(description = "One thing wrong with one request field.")
public record FieldError(
        @Schema(description = "The field, as a JSON path from the body's top (e.g. `alert.quorum`), or the query "
                + "parameter; `body` when the body is missing.", examples = "ports") String field,
        @Schema(description = "What is wrong and what is accepted.",
                examples = "port 70000 is out of range: ports are 1-65535") String message) {
}
