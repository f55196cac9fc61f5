package dev.parallax.coordinator.schedule;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The rollup and retention run only when a test calls them, so the test decides what is rolled up and deleted when
 * (the periodic rollup runs a day apart: at most once, at start, on an empty database).
 */
public class UptimeJobsByHand implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "parallax.uptime.rollup-interval", "PT24H",
                "parallax.retention.enabled", "false");
    }
}
