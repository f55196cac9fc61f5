package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/**
 * An agent as the coordinator knows it from its heartbeats ({@code GET /api/v1/agents}).
 *
 * @param online          heard from recently
 * @param egressAddresses the source addresses its probes leave from, as the agent sees them
 */
public record Agent(String agentId, String region, boolean online, Instant lastSeen, String version,
                    int probeCapacity, Instant startedAt, List<String> egressAddresses) {

    static Agent from(JsonNode json) {
        return new Agent(Json.text(json, "agentId"), Json.text(json, "region"), Json.bool(json, "online"),
                Json.instant(json, "lastSeen"), Json.text(json, "version"), Json.integer(json, "probeCapacity"),
                Json.instant(json, "startedAt"), Json.strings(json, "egressAddresses"));
    }
}
