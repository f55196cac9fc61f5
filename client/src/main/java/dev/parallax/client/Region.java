package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A region a check may name ({@code GET /api/v1/regions}), with how many of its agents are live.
 *
 * @param liveAgents agents heard from recently: a check of the region is answered only while this is above 0
 * @param agents     every agent of the region the coordinator knows, live or not
 * @param lastSeen   the latest heartbeat of any of its agents; null if none was ever heard
 */
public record Region(String region, int liveAgents, int agents, Instant lastSeen) {

    static Region from(JsonNode json) {
        return new Region(Json.text(json, "region"), Json.integer(json, "liveAgents"), Json.integer(json, "agents"),
                Json.instant(json, "lastSeen"));
    }
}
