package dev.parallax.coordinator.api.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parallax.coordinator.check.FieldError;

import java.util.List;

/**
 * An RFC 9457 problem detail. {@code errors} (an extension member) lists every field that needs fixing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
