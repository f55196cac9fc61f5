package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A health answer of an app's management interface ({@code /q/health/ready}, {@code /q/health/live}).
 *
 * @param status {@code UP} or {@code DOWN}
 */
public record Health(String status, List<Check> checks) {

    /**
     * One named check of the answer.
     *
     * @param data what the check reports beside its status, each value as text
     */
    public record Check(String name, String status, Map<String, String> data) {

        static Check from(JsonNode json) {
            return new Check(Json.text(json, "name"), Json.text(json, "status"),
                    Json.map(json.path("data"), JsonNode::asText));
        }
    }

    public boolean isUp() {
        return "UP".equals(status);
    }

    /** The check of this name. */
    public Optional<Check> check(String name) {
        return checks.stream().filter(check -> check.name().equals(name)).findFirst();
    }

    static Health from(JsonNode json) {
        return new Health(Json.text(json, "status"), Json.list(json.path("checks"), Check::from));
    }
}
