package dev.parallax.coordinator.api.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parallax.coordinator.check.FieldError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * An RFC 9457 problem detail. {@code errors} (an extension member) lists every field that needs fixing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "An RFC 9457 problem detail: what went wrong and what to fix. Every error of the API is one, "
        + "as `application/problem+json`.")
public record Problem(
        @Schema(description = "What kind of problem: `urn:parallax:problem:` and one of `invalid-request`, "
                + "`malformed-json`, `unauthenticated`, `scope-missing`, `origin-refused`, `check-not-found`, "
                + "`schedule-not-found`, `api-key-not-found`, `request-timeout`, `schedule-limit`, "
                + "`request-too-large`, `unsupported-media-type`, `misdirected-request`, `too-many-requests`, "
                + "`quota-exceeded`, `too-many-streams`, `overloaded`, `unavailable`, `internal-error`, "
                + "`client-closed` (which no client sees: it had gone); or "
                + "`about:blank` for a plain HTTP error (an unknown route, a method the route does not take), whose "
                + "`title` is the HTTP reason phrase.",
                examples = "urn:parallax:problem:invalid-request") String type,
        @Schema(description = "A short summary of the problem type.", examples = "Invalid request") String title,
        @Schema(description = "The HTTP status code.", examples = "400") int status,
        @Schema(description = "What went wrong in this request and what to change; for a 500, the reference of its "
                + "log line.", examples = "ports: port 70000 is out of range: ports are 1-65535") String detail,
        @Schema(description = "The path of the request.", examples = "/api/v1/checks") String instance,
        @Schema(description = "For a 400, every field that needs fixing; absent otherwise.") List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** Our own problem types; plain HTTP errors (unknown route, wrong method) use "about:blank" (RFC 9457 §4.2.1). */
    public static final String TYPE_BASE = "urn:parallax:problem:";
}
