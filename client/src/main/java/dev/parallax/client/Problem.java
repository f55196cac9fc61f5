package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * An RFC 9457 problem detail, as every error of the API is ({@code application/problem+json}).
 *
 * @param type   {@code urn:parallax:problem:<kind>}, or {@code about:blank} for a plain HTTP error
 * @param errors for a 400, every field that needs fixing; empty otherwise
 */
public record Problem(String type, String title, int status, String detail, String instance,
                     List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One thing wrong with one request field. */
    public record FieldError(String field, String message) {
    }

    static Problem from(JsonNode json) {
        return new Problem(Json.text(json, "type"), Json.text(json, "title"), Json.integer(json, "status"),
                Json.text(json, "detail"), Json.text(json, "instance"), Json.list(json.path("errors"),
                error -> new FieldError(Json.text(error, "field"), Json.text(error, "message"))));
    }
}
