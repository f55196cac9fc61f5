package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A check as accepted (the 202 answer): stored, with its jobs on their way to the regions' agents.
 *
 * @param regions the regions it was sent to: those named, or the live ones picked
 * @param self    where to read its results (also the {@code Location} header)
 */
public record CheckAccepted(UUID id, String status, String target, String ports, List<String> regions,
                            int timeoutMs, String ipFamily, Instant createdAt, Instant deadline, URI self) {

    static CheckAccepted from(JsonNode json) {
        return new CheckAccepted(Json.uuid(json, "id"), Json.text(json, "status"), Json.text(json, "target"),
                Json.text(json, "ports"), Json.strings(json, "regions"), Json.integer(json, "timeoutMs"),
                Json.text(json, "ipFamily"), Json.instant(json, "createdAt"), Json.instant(json, "deadline"),
                Json.uri(json, "self"));
    }
}
