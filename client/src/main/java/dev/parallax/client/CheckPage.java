package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A page of the caller's checks, newest first ({@code GET /api/v1/checks}).
 *
 * @param next the URL of the following page; null on the last one
 */
public record CheckPage(List<Summary> checks, String next) {

    /**
     * One check in a listing.
     *
     * @param regions        each region's status, by region name
     * @param divergentPorts how many ports the regions disagree on
     */
    public record Summary(UUID id, String status, String target, String ports, Instant createdAt,
                          Instant completedAt, Map<String, String> regions, int divergentPorts, String self) {

        static Summary from(JsonNode json) {
            return new Summary(Json.uuid(json, "id"), Json.text(json, "status"), Json.text(json, "target"),
                    Json.text(json, "ports"), Json.instant(json, "createdAt"), Json.instant(json, "completedAt"),
                    Json.map(json.path("regions"), JsonNode::asText), Json.integer(json, "divergentPorts"),
                    Json.text(json, "self"));
        }
    }

    static CheckPage from(JsonNode json) {
        return new CheckPage(Json.list(json.path("checks"), Summary::from), Json.text(json, "next"));
    }
}
